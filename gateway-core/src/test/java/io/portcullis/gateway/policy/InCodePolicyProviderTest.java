package io.portcullis.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.ratelimit.RateLimitProvider;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policy types given in code (Spring beans, embedding apps) next to those ServiceLoader finds. */
class InCodePolicyProviderTest {

    /** {@code type: in-code}: sets a header from its settings. */
    static final class Tagger implements PolicyProvider {
        @Override
        public String type() {
            return "in-code";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            String tag = spec.string("tag", "none");
            return ctx -> {
                ctx.requestHeaders().set("x-tag", tag);
                return Decision.proceed();
            };
        }
    }

    @Test
    void aProviderGivenInCodeIsATypeLikeAnyOther() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(up -> Gateway.builder()
                .policyProvider(new Tagger())
                .route(RouteConfig.prefix("/").to(up.url()).policy(PolicySpec.of("in-code", Map.of("tag", "blue"))).build()))) {
            assertThat(f.exchange("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
            assertThat(f.upstream.lastRequest().headers().get("x-tag")).isEqualTo("blue");
        }
    }

    @Test
    void aTypeGivenTwiceIsRefusedAtBuild() {
        PolicyProvider clash = new PolicyProvider() {
            @Override
            public String type() {
                return "security-headers";
            }

            @Override
            public Policy create(PolicySpec spec, ProviderContext context) {
                return ctx -> Decision.proceed();
            }
        };
        assertThatThrownBy(() -> Gateway.builder().policyProvider(clash)
                .listener(io.portcullis.gateway.ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9").build()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("policy type 'security-headers' is provided twice");
    }

    @Test
    void anInstanceOfABuiltInGivenInCodeReplacesTheFoundOne() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        // limits naming no Redis use the provider's default: nothing listens there, so a closed limit refuses
        RateLimitProvider elsewhere = new RateLimitProvider("redis://127.0.0.1:" + closed, false);
        try (GatewayFixture f = GatewayFixture.start(up -> Gateway.builder()
                .policyProvider(elsewhere)
                .route(RouteConfig.prefix("/").to(up.url()).policy(PolicySpec.of("rate-limit", Map.of(
                        "requests", 5, "per", "1m", "backend", "redis", "name", "in-code-default", "onFailure", "closed")))
                        .build()))) {
            RawHttp.Result r = f.exchange("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("retry-after")).isNotNull();
        }
    }
}
