package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.spring.app.TestApp;
import io.portcullis.testing.IdentityBackend;
import io.portcullis.testing.TestTls;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A servlet app whose embedded gateway, configured only by properties, balances a route over a
 * cluster of two real loopback upstreams and compresses the app's JSON responses.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClusterEndToEndTest {
    private static final IdentityBackend ONE = IdentityBackend.start("one");
    private static final IdentityBackend TWO = IdentityBackend.start("two");
    private static final HttpClient CLIENT = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        TestTls tls = TestTls.shared();
        registry.add("server.address", () -> "127.0.0.1");
        registry.add("portcullis.listeners[0].name", () -> "public");
        registry.add("portcullis.listeners[0].host", () -> "127.0.0.1");
        registry.add("portcullis.listeners[0].port", () -> "0");
        registry.add("portcullis.listeners[0].tls.certificates[0].certificate-chain", () -> tls.chain.toString());
        registry.add("portcullis.listeners[0].tls.certificates[0].private-key", () -> tls.key.toString());
        registry.add("portcullis.timeouts.drain", () -> "2s");
        registry.add("portcullis.clusters.backends.endpoints[0].url", ONE::url);
        registry.add("portcullis.clusters.backends.endpoints[1].url", TWO::url);
        registry.add("portcullis.routes[0].id", () -> "who");
        registry.add("portcullis.routes[0].path", () -> "/who");
        registry.add("portcullis.routes[0].cluster", () -> "backends");
        registry.add("portcullis.compression.enabled", () -> "true");
        registry.add("management.health.redis.enabled", () -> "false");
    }

    @AfterAll
    static void stopBackends() {
        ONE.close();
        TWO.close();
    }

    @Autowired
    PortcullisGateway gateway;

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create("https://localhost:" + gateway.address("public").getPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theClusterRouteSpreadsRequestsOverBothUpstreams() throws Exception {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<byte[]> r = get("/who/am-i");
            assertThat(r.statusCode()).isEqualTo(200);
            answers.merge(new String(r.body(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        assertThat(answers).containsOnlyKeys("one", "two");
        assertThat(ONE.requests() + TWO.requests()).isEqualTo(10);
    }

    @Test
    void jsonFromTheAppIsCompressedWhenTheClientAcceptsGzip() throws Exception {
        HttpResponse<byte[]> plain = get("/data");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        String json = new String(plain.body(), StandardCharsets.UTF_8);
        assertThat(json).startsWith("[{\"id\":0,");

        HttpResponse<byte[]> gzip = get("/data", "Accept-Encoding", "gzip");
        assertThat(gzip.statusCode()).isEqualTo(200);
        assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gzip.headers().firstValue("vary")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
        assertThat(gzip.body().length).isLessThan(plain.body().length / 2);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }
}
