package io.portcullis.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS answered at the gateway: preflights, credentialed requests, rejected origins. */
class CorsTest {
    static GatewayFixture fixture;
    static TestUpstream upstream;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .route(RouteConfig.prefix("/api").to(up.url()).policy(PolicySpec.of("cors", Map.of(
                        "allowedOrigins", List.of("https://app.example.com", "https://*.partner.test"),
                        "allowedMethods", List.of("GET", "POST", "DELETE"),
                        "allowedHeaders", List.of("Content-Type", "Authorization"),
                        "exposedHeaders", List.of("X-Request-Id"),
                        "allowCredentials", true,
                        "maxAge", "1h"))).build())
                .route(RouteConfig.prefix("/public").to(up.url())
                        .policy(PolicySpec.of("cors", Map.of("allowedOrigins", "*"))).build()));
        upstream = fixture.upstream;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static RawHttp.Result send(String request) throws Exception {
        return fixture.exchange(request);
    }

    @Test
    void preflight_fromAllowedOrigin_isAnsweredByTheGateway() throws Exception {
        int before = upstream.requests().size();
        RawHttp.Result r = send("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: DELETE\r\nAccess-Control-Request-Headers: content-type, authorization\r\n\r\n");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://app.example.com");
        assertThat(r.header("access-control-allow-methods")).isEqualTo("GET, POST, DELETE");
        assertThat(r.header("access-control-allow-headers")).isEqualTo("content-type, authorization");
        assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(r.header("access-control-max-age")).isEqualTo("3600");
        assertThat(r.header("vary")).contains("Origin");
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void preflight_fromWildcardOrigin() throws Exception {
        RawHttp.Result r = send("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://shop.partner.test\r\n"
                + "Access-Control-Request-Method: GET\r\n\r\n");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://shop.partner.test");
        RawHttp.Result deeper = send("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://a.b.partner.test\r\n"
                + "Access-Control-Request-Method: GET\r\n\r\n");
        assertThat(deeper.status()).isEqualTo(403);
    }

    @Test
    void preflight_rejected_forOriginMethodOrHeader() throws Exception {
        for (String bad : new String[] {
            "Origin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\n",
            "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n",
            "Origin: https://app.example.com\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: x-secret\r\n",
        }) {
            RawHttp.Result r = send("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\n" + bad + "\r\n");
            assertThat(r.status()).as(bad).isEqualTo(403);
            assertThat(r.header("access-control-allow-origin")).isNull();
        }
    }

    @Test
    void credentialedRequest_fromAllowedOrigin_getsCorsHeaders() throws Exception {
        RawHttp.Result r = send("GET /api/echo HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\nCookie: s=1\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://app.example.com");
        assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(r.header("access-control-expose-headers")).isEqualTo("x-request-id");
        assertThat(r.header("vary")).isEqualTo("Origin");
    }

    @Test
    void requestFromDisallowedOrigin_passesWithoutCorsHeaders() throws Exception {
        RawHttp.Result r = send("GET /api/echo HTTP/1.1\r\nHost: a\r\nOrigin: https://evil.example\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isNull();
        assertThat(r.header("vary")).isEqualTo("Origin");
    }

    @Test
    void anyOrigin_withoutCredentials_answersStar() throws Exception {
        RawHttp.Result r = send("GET /public/echo HTTP/1.1\r\nHost: a\r\nOrigin: https://whoever.test\r\n\r\n");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("access-control-allow-credentials")).isNull();
    }

    @Test
    void starWithCredentials_isAConfigError() {
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to(upstream.url()).policy(PolicySpec.of("cors",
                        Map.of("allowedOrigins", "*", "allowCredentials", true))).build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("routes[0].policies[0].settings.allowedOrigins[0]: '*' cannot be combined with allowCredentials: true");
    }
}
