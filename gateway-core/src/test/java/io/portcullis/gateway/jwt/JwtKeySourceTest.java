package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Issuers whose keys an embedding application supplies in code ({@code keySource}), through a real socket. */
class JwtKeySourceTest {

    private static PolicySpec jwt(String keySource) {
        Map<String, Object> issuer = new HashMap<>(TestKeys.issuer("keySource", keySource));
        issuer.put("minRefreshInterval", "0s"); // a rotation is picked up by the very next token
        return PolicySpec.of("jwt", Map.of("issuers", List.of(issuer)));
    }

    private static int get(GatewayFixture f, String token) throws Exception {
        RawHttp.Result r = f.exchange("GET /echo HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n");
        return r.status();
    }

    @Test
    void tokensAreCheckedWithTheSuppliedKeysAndARotationIsFetchedOnAnUnknownKid() throws Exception {
        TestKeys first = TestKeys.ec("k1");
        TestKeys second = TestKeys.ec("k2");
        AtomicReference<JWKSet> current = new AtomicReference<>(new JWKSet(first.publicJwk));
        AtomicInteger calls = new AtomicInteger();
        JwtKeySource source = () -> {
            calls.incrementAndGet();
            return current.get();
        };
        try (GatewayFixture f = GatewayFixture.start(up -> Gateway.builder()
                .policyProvider(new JwtProvider(Map.of("idp", source)))
                .route(RouteConfig.prefix("/").to(up.url()).policy(jwt("idp")).build()))) {
            assertThat(get(f, first.token("alice"))).isEqualTo(200);
            assertThat(get(f, second.token("bob"))).isEqualTo(401); // not supplied yet
            current.set(new JWKSet(List.of(first.publicJwk, second.publicJwk)));
            assertThat(get(f, second.token("bob"))).isEqualTo(200);
            assertThat(f.upstream.lastRequest().headers().get("authorization")).isNotNull();
            assertThat(calls.get()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void anUnknownKeySourceIsAConfigErrorNamingTheField() {
        assertThatThrownBy(() -> Gateway.builder()
                .policyProvider(new JwtProvider(Map.of("idp", () -> new JWKSet())))
                .listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9").policy(jwt("nope")).build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("routes[0].policies[0].settings.issuers[0].keySource: 'nope' is not a key source given in code (known: idp)");
    }

    @Test
    void aKeySourceWithAnotherKeySettingIsRefused() {
        Map<String, Object> issuer = new HashMap<>(TestKeys.issuer("keySource", "idp"));
        issuer.put("jwksFile", "/nonexistent.json");
        assertThatThrownBy(() -> Gateway.builder()
                .policyProvider(new JwtProvider(Map.of("idp", () -> new JWKSet())))
                .listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9")
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(issuer)))).build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("settings.issuers[0].jwksUrl: several key sources");
    }
}
