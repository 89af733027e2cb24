package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health, /ready, /metrics and /config on the admin listener, behind a bearer token. */
class AdminEndpointsTest {
    private static final String TOKEN = "admin-token-0123456789";
    /** One sample line of the Prometheus text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.]+(E-?[0-9]+)?|NaN|\\+Inf|-Inf)( -?[0-9]+)?");

    @TempDir
    static Path dir;
    static TestUpstream app;
    static PortcullisServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        app = TestUpstream.start();
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("pepper"), "very-secret-pepper\n");
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                listeners:
                  - {name: http, host: 127.0.0.1, port: 0, mode: http}
                  - name: https
                    host: 127.0.0.1
                    port: 0
                    mode: https
                    tls: {certificates: [{certificateChain: "%s", privateKey: "%s"}]}
                routes:
                  - id: app
                    path: /
                    upstream: %s
                    policies:
                      - type: api-key
                        settings:
                          pepper: ${file:pepper}
                          keys: [{id: k1, owner: o, hash: "hmac-sha256:AAAA"}]
                  - id: gone
                    path: /gone
                    upstream: http://127.0.0.1:%d
                admin:
                  port: 0
                  token: file:token
                """.formatted(io.portcullis.testing.TestTls.shared().chain, io.portcullis.testing.TestTls.shared().key,
                app.url(), FreePorts.pick()));
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        ServerConfig config = loader.load(file);
        server = PortcullisServer.start(config, loader);
    }

    @AfterAll
    static void stop() {
        server.close();
        app.close();
    }

    private static HttpResponse<String> admin(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutTheToken_everythingIs401() throws Exception {
        for (String p : new String[] {"/health", "/ready", "/metrics", "/config"}) {
            HttpResponse<String> r = admin(p, null);
            assertThat(r.statusCode()).as(p).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"portcullis-admin\"");
            assertThat(admin(p, "wrong-token-0123456789").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void health_andReadiness() throws Exception {
        HttpResponse<String> h = admin("/health", TOKEN);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).contains("\"status\" : \"UP\"");
        HttpResponse<String> r = admin("/ready", TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode ready = new ObjectMapper().readTree(r.body());
        assertThat(ready.get("status").asText()).isEqualTo("READY");
        assertThat(ready.get("listeners").get("http").asText()).contains("127.0.0.1");
        assertThat(ready.get("upstreams").get(app.url()).asText()).isEqualTo("reachable");
        assertThat(ready.get("upstreams").toString()).contains("unreachable");
        // the test certificate is valid for a day: served, but flagged as expiring within 7 days
        assertThat(ready.get("certificates").get("https/0").get("state").asText()).isEqualTo("EXPIRES_SOON");
        assertThat(ready.get("certificates").get("https/0").get("expiresInSeconds").asLong()).isBetween(3600L, 86_400L);
        assertThat(admin("/nope", TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void metrics_areValidPrometheusText_withJvmNettyAndGatewayMeters() throws Exception {
        try (var raw = new io.portcullis.testing.RawHttp("127.0.0.1", server.addresses().get("http").getPort())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(401);
        }
        String requestSample = "portcullis_requests_seconds_count{protocol=\"h1\",route=\"app\",status=\"4xx\"} 1";
        HttpResponse<String> m = admin("/metrics", TOKEN);
        // the request is recorded on the event loop just after its response went out: wait for it
        for (int i = 0; i < 100 && !m.body().contains(requestSample); i++) {
            Thread.sleep(50);
            m = admin("/metrics", TOKEN);
        }
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("content-type")).get().asString().startsWith("text/plain; version=0.0.4");
        String text = m.body();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertThat(SAMPLE.matcher(line).matches()).as("not a Prometheus sample line: %s", line).isTrue();
        }
        assertThat(text).contains("jvm_memory_used_bytes{", "netty_allocator_memory_used{", requestSample);
    }

    @Test
    void config_isTheEffectiveConfiguration_withSecretsRedacted() throws Exception {
        HttpResponse<String> c = admin("/config", TOKEN);
        assertThat(c.statusCode()).isEqualTo(200);
        JsonNode cfg = new ObjectMapper().readTree(c.body());
        assertThat(cfg.get("timeouts").get("drain").asText()).isEqualTo("30s"); // defaults filled in
        assertThat(cfg.get("listeners").get(0).get("mode").asText()).isEqualTo("http");
        JsonNode settings = cfg.get("routes").get(0).get("policies").get(0).get("settings");
        assertThat(settings.get("pepper").asText()).isEqualTo("<redacted>");
        assertThat(settings.get("keys").get(0).get("hash").asText()).isEqualTo("<redacted>");
        assertThat(settings.get("keys").get(0).get("id").asText()).isEqualTo("k1");
        assertThat(cfg.get("admin").get("token").asText()).isEqualTo("<redacted>");
        assertThat(c.body()).doesNotContain("very-secret-pepper").doesNotContain(TOKEN);
    }
}
