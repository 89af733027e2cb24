package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.EmbeddedDefault;
import io.portcullis.server.internal.SelfSignedCertificate;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis run} without a config file: TLS with its own certificate, redirect, headers, rate limits. */
class EmbeddedDefaultTest {
    @TempDir
    static Path data;

    static TestUpstream app;
    static PortcullisServer server;
    static Map<String, String> env;
    static int httpsPort;
    static int httpPort;
    static HttpClient client;
    static X509Certificate cert;

    @BeforeAll
    static void start() {
        app = TestUpstream.start();
        httpsPort = FreePorts.pick();
        httpPort = FreePorts.pick();
        env = new HashMap<>(Map.of("PORTCULLIS_DATA", data.toString(),
                "PORTCULLIS_HTTPS_PORT", String.valueOf(httpsPort), "PORTCULLIS_HTTP_PORT", String.valueOf(httpPort),
                "PORTCULLIS_ADMIN_PORT", "0", "PORTCULLIS_UPSTREAM", app.url()));
        ServerConfig config = EmbeddedDefault.load(env::get);
        server = PortcullisServer.start(config, new ConfigLoader(env::get));
        cert = SelfSignedCertificate.read(data.resolve("tls/self-signed.crt"));
        client = HttpClient.newBuilder().sslContext(TestTls.clientContextTrusting(cert))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        app.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersOverHttp2_withTheGeneratedCertificate_andStrictHeaders() throws Exception {
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .contains("localhost", "127.0.0.1");
        HttpResponse<String> r = get("/echo/home");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(r.headers().firstValue("content-security-policy")).get().asString().contains("default-src 'self'");
        assertThat(r.headers().firstValue("ratelimit-policy")).isEmpty(); // "/" has no limit; /v1 has
        assertThat(get("/v1/echo").headers().firstValue("ratelimit-policy")).get().asString().contains("100;w=60");
    }

    @Test
    void httpRedirectsToHttps() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            RawHttp.Result r = raw.send("GET /some/page?x=1 HTTP/1.1\r\nHost: localhost:" + httpPort + "\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(301);
            assertThat(r.header("location")).isEqualTo("https://localhost:" + httpsPort + "/some/page?x=1");
        }
    }

    @Test
    void batchPaths_allow25PerMinutePerClient() throws Exception {
        // a burst of 25, then one every 2.4 s: on a slow machine a refill may let one or two more through,
        // but the /v1 budget (100) must not apply here
        int ok = 0;
        HttpResponse<String> limited = null;
        for (int i = 0; i < 60 && limited == null; i++) {
            HttpResponse<String> r = get("/v1/batch/echo");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
                ok++;
            }
        }
        assertThat(limited).as("no 429 after %d requests", ok).isNotNull();
        assertThat(ok).isBetween(25, 35);
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(get("/v1/echo").statusCode()).isEqualTo(200); // the API's own budget is separate
    }

    @Test
    void certificate_isReusedOnRestart_andTheBannerSaysHowToTrustIt() {
        String before = SelfSignedCertificate.fingerprint(cert);
        EmbeddedDefault.load(env::get);
        X509Certificate again = SelfSignedCertificate.read(data.resolve("tls/self-signed.crt"));
        assertThat(SelfSignedCertificate.fingerprint(again)).isEqualTo(before);
        String banner = EmbeddedDefault.banner(server.addresses(), data.resolve("tls/self-signed.crt"), 9901);
        assertThat(banner).contains("https://localhost:" + httpsPort + "/", "curl --cacert " + data.resolve("tls/self-signed.crt"),
                before);
    }

    @Test
    void missingApp_is502_andReadinessNamesIt() throws Exception {
        int closed = FreePorts.pick();
        Map<String, String> e = new HashMap<>(env);
        e.put("PORTCULLIS_UPSTREAM", "http://127.0.0.1:" + closed);
        e.put("PORTCULLIS_HTTPS_PORT", String.valueOf(FreePorts.pick()));
        e.put("PORTCULLIS_HTTP_PORT", String.valueOf(FreePorts.pick()));
        try (PortcullisServer s = PortcullisServer.start(EmbeddedDefault.load(e::get), new ConfigLoader(e::get))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
                    "https://localhost:" + e.get("PORTCULLIS_HTTPS_PORT") + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("the upstream 127.0.0.1:" + closed + " on this host refused the connection");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + s.adminAddress().getPort() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200); // the app is not required by default
            assertThat(ready.body()).contains("\"http://127.0.0.1:" + closed + "\" : \"unreachable");
        }
    }
}
