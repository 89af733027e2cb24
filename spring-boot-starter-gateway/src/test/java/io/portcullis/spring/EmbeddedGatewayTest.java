package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.spring.app.TestApp;
import io.portcullis.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a servlet app: TLS + HTTP/2 through the embedded gateway to the app's controllers
 * on its own (random, loopback) port, with the policies behaving as in standalone mode.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedGatewayTest {
    private static HttpClient client;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        for (String p : GatewayTestSupport.properties()) {
            int eq = p.indexOf('=');
            registry.add(p.substring(0, eq), () -> p.substring(eq + 1));
        }
    }

    @BeforeAll
    static void client() {
        client = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);
    }

    @Autowired
    PortcullisGateway gateway;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int appPort;

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        URI uri = URI.create("https://localhost:" + gateway.address("public").getPort() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void http2OverTlsReachesTheControllerWithSecurityHeaders() throws Exception {
        HttpResponse<String> r = get("/hello");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo("hello");
        assertThat(r.headers().firstValue("strict-transport-security")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void theAppRouteGoesToThePortTheServerBound() {
        assertThat(gateway.gateway().config().routes()).filteredOn(r -> r.id().equals("app")).singleElement()
                .satisfies(r -> {
                    assertThat(r.path()).isEqualTo("/");
                    assertThat(r.upstream().url()).isEqualTo(URI.create("http://127.0.0.1:" + appPort));
                });
        assertThat(gateway.gateway().config().routes()).extracting(RouteConfig::id).contains("api", "limited");
    }

    @Test
    void jwtPolicyRefusesWithoutTokenAndForwardsClaims() throws Exception {
        HttpResponse<String> none = get("/api/orders");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        HttpResponse<String> bad = get("/api/orders", "Authorization", "Bearer not.a.token");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));

        HttpResponse<String> ok = get("/api/orders", "Authorization", "Bearer " + GatewayTestSupport.token("alice"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("orders of alice");
    }

    @Test
    void rateLimitAnswers429AfterTheLimit() throws Exception {
        assertThat(get("/limited").statusCode()).isEqualTo(200);
        HttpResponse<String> second = get("/limited");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("ratelimit-policy")).isPresent();
        HttpResponse<String> third = get("/limited");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).isPresent();
        assertThat(third.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
    }

    @Test
    void gatewayHealthPathAndActuatorThroughTheGateway() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"portcullis\"").contains("\"public\"").contains("CN=localhost");
        HttpResponse<String> routes = get("/actuator/portcullis");
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("\"api\"").contains("\"limited\"").contains("\"jwt\"")
                .doesNotContain(GatewayTestSupport.SECRET);
    }

    @Test
    void metersAreInTheApplicationsRegistry() {
        // registered when the gateway starts (request timers appear only after a response, so not those)
        assertThat(meters.find("portcullis.tls.certificate.expiry").tag("listener", "public").gauge()).isNotNull();
        assertThat(meters.find("portcullis.policy.decisions").tag("route", "api").tag("policy", "jwt").meters()).isNotEmpty();
    }
}
