package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests through a real gateway (TLS on loopback, BoringSSL) to a real upstream. */
class ProxyEndToEndTest {
    static TestUpstream upstream;
    static Gateway gateway;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static int httpsPort;
    static int httpPort;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("https").bind("127.0.0.1"))
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").id("root").to(upstream.url()).build())
                .route(RouteConfig.prefix("/api").id("api").to(upstream.url()).stripPrefix().build())
                .route(RouteConfig.exact("/api/exact").id("api-exact").to(upstream.url()).replacePrefix("/echo-exact").build())
                .route(RouteConfig.prefix("/api/admin").id("admin-get").methods("GET").to(upstream.url()).replacePrefix("/echo-admin").build())
                .route(RouteConfig.prefix("/only-host").host("gateway.test").id("host").to(upstream.url()).build())
                .meterRegistry(meters)
                .build();
        gateway.start();
        httpsPort = gateway.address("https").getPort();
        httpPort = gateway.address("http").getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static HttpResponse<String> get(HttpClient.Version version, String path) throws Exception {
        HttpClient client = TestTls.shared().httpClient(version);
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void http2OverTls_negotiatesH2AndProxies() throws Exception {
        HttpResponse<String> res = get(HttpClient.Version.HTTP_2, "/echo/h2?x=1");
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("uri=/echo/h2?x=1").contains("host: localhost:" + httpsPort);
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
        assertThat(upstream.lastRequest().protocolVersion().text()).isEqualTo("HTTP/1.1");
    }

    @Test
    void http11OverTls_negotiatesHttp11AndProxies() throws Exception {
        HttpResponse<String> res = get(HttpClient.Version.HTTP_1_1, "/echo/h1");
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("uri=/echo/h1");
    }

    @Test
    void h2cPriorKnowledge_onCleartextListener() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // JDK's client does h2c only by upgrade; the cleartext listener then answers in HTTP/1.1, which is fine.
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/echo/c"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
    }

    @Test
    void routing_mostSpecificWins() throws Exception {
        assertThat(get(HttpClient.Version.HTTP_2, "/api/users").body()).contains("uri=/users\n");
        assertThat(get(HttpClient.Version.HTTP_2, "/api").body()).contains("uri=/\n");
        assertThat(get(HttpClient.Version.HTTP_2, "/api/exact").body()).contains("uri=/echo-exact\n");
        assertThat(get(HttpClient.Version.HTTP_2, "/api/exact/more").body()).contains("uri=/exact/more\n");
        assertThat(get(HttpClient.Version.HTTP_2, "/api/admin/x").body()).contains("uri=/echo-admin/x\n");
        // segment-aware: /apix is not under /api, so the root route takes it unchanged
        assertThat(get(HttpClient.Version.HTTP_2, "/apix").body()).contains("uri=/apix\n");
        // normalised before routing and forwarding
        assertThat(get(HttpClient.Version.HTTP_2, "/x/../api/%75sers").body()).contains("uri=/users\n");
    }

    @Test
    void routing_methodMismatchFallsToShorterPrefix() throws Exception {
        HttpClient client = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/api/admin/x"))
                .POST(HttpRequest.BodyPublishers.ofString("hi")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).contains("method=POST").contains("uri=/admin/x\n").contains("body=2");
    }

    @Test
    void routing_hostGroupWithoutMatch_is404ProblemJson() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            RawHttp.Result r = raw.send("GET /elsewhere HTTP/1.1\r\nHost: gateway.test\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("content-type")).isEqualTo("application/problem+json");
            assertThat(r.body()).contains("\"status\":404").contains("\"requestId\":\"").contains("\"detail\":");
            // the connection stays usable after a 404
            RawHttp.Result again = raw.send("GET /only-host/x HTTP/1.1\r\nHost: gateway.test\r\n\r\n").readResponse();
            assertThat(again.status()).isEqualTo(200);
        }
    }

    @Test
    void hopByHopHeaders_areRemovedBothWays() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            RawHttp.Result r = raw.send("GET /echo HTTP/1.1\r\nHost: a.test\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: websocket\r\n"
                    + "Proxy-Authorization: Basic eA==\r\nX-Kept: yes\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(200);
            String seen = r.body();
            assertThat(seen).contains("x-kept: yes").doesNotContain("x-secret").doesNotContain("keep-alive:")
                    .doesNotContain("te:").doesNotContain("upgrade:").doesNotContain("proxy-authorization");
            // upstream's Keep-Alive and Proxy-Authenticate do not reach the client
            assertThat(r.header("keep-alive")).isNull();
            assertThat(r.header("proxy-authenticate")).isNull();
            assertThat(r.header("x-upstream-header")).isEqualTo("yes");
        }
    }

    @Test
    void forwardedHeaders_untrustedPeerCannotSpoof() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            RawHttp.Result r = raw.send("GET /echo HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 6.6.6.6\r\n"
                    + "X-Forwarded-Proto: https\r\nForwarded: for=6.6.6.6\r\nX-Request-Id: abc-123\r\n"
                    + "X-Real-IP: 6.6.6.6\r\nX-Forwarded-Port: 1\r\nX-Forwarded-Prefix: /evil\r\n\r\n").readResponse();
            String seen = r.body();
            assertThat(seen).contains("x-forwarded-for: 127.0.0.1\n").doesNotContain("6.6.6.6")
                    .doesNotContain("x-real-ip").doesNotContain("x-forwarded-port").doesNotContain("/evil")
                    .contains("x-forwarded-proto: http\n").contains("x-forwarded-host: a.test\n")
                    .contains("forwarded: for=127.0.0.1;proto=http;host=a.test\n")
                    .contains("x-request-id: abc-123\n");
            assertThat(r.header("x-request-id")).isEqualTo("abc-123");
        }
    }

    @Test
    void forwardedHeaders_trustedPeerIsAppendedTo() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build())
                     .trustedProxies("127.0.0.0/8")
                     .build()) {
            gw.start();
            try (RawHttp raw = new RawHttp("127.0.0.1", gw.address("http").getPort())) {
                String seen = raw.send("GET /echo HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 203.0.113.7\r\n"
                        + "X-Forwarded-Proto: https\r\n\r\n").readResponse().body();
                assertThat(seen).contains("x-forwarded-for: 203.0.113.7, 127.0.0.1\n")
                        .contains("x-forwarded-proto: https\n");
            }
        }
    }

    @Test
    void h2Cookies_areJoinedForHttp11() throws Exception {
        HttpClient client = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/echo"))
                .header("cookie", "a=1").header("cookie", "b=2").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(res.body()).contains("cookie: a=1; b=2\n").doesNotContain("x-http2");
    }

    @Test
    void metrics_countRequestsByRouteAndProtocol() throws Exception {
        get(HttpClient.Version.HTTP_2, "/api/metric");
        // the meter is updated right after the last byte is handed to the socket: allow it a moment
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (meters.find("portcullis.requests").tags("route", "api", "protocol", "h2").timer() == null
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(meters.find("portcullis.requests").tags("route", "api", "protocol", "h2", "status", "2xx").timer())
                .isNotNull()
                .satisfies(t -> assertThat(t.count()).isGreaterThanOrEqualTo(1));
        assertThat(meters.find("portcullis.tls.handshakes").tags("result", "success").counter()).isNotNull();
        assertThat(meters.find("portcullis.connections.open").gauge()).isNotNull();
    }

    @Test
    void keepAlive_reusesUpstreamConnections() throws Exception {
        HttpClient client = TestTls.shared().httpClient(HttpClient.Version.HTTP_1_1);
        int before = upstream.connectionCount();
        for (int i = 0; i < 20; i++) {
            client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/echo/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(upstream.connectionCount() - before).isLessThanOrEqualTo(2);
    }

    @Test
    void headRequest_hasNoBody() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            RawHttp.Result r = raw.send("HEAD /echo HTTP/1.1\r\nHost: a.test\r\n\r\n").readUntilCloseOrQuiet(500);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("content-length")).isNotNull();
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            raw.send("GET /echo/1 HTTP/1.1\r\nHost: a.test\r\n\r\nGET /echo/2 HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertThat(raw.readResponse().body()).contains("uri=/echo/1");
            assertThat(raw.readResponse().body()).contains("uri=/echo/2");
        }
    }

    @Test
    void manyPipelinedRequests_pauseReadingAndAreAllAnsweredInOrder() throws Exception {
        // more than the connection holds ahead of demand (16 messages): reading pauses and resumes
        int n = 100;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            all.append("GET /echo/").append(i).append(" HTTP/1.1\r\nHost: a.test\r\n\r\n");
        }
        try (RawHttp raw = new RawHttp("127.0.0.1", httpPort)) {
            raw.send(all.toString());
            for (int i = 0; i < n; i++) {
                RawHttp.Result r = raw.readResponse();
                assertThat(r.status()).as("response %d", i).isEqualTo(200);
                assertThat(r.body()).contains("uri=/echo/" + i + "\n");
            }
        }
    }

    @Test
    void healthPath_isAnsweredByTheGateway() throws Exception {
        HttpResponse<String> res = get(HttpClient.Version.HTTP_2, "/healthz");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(List.copyOf(upstream.requests())).noneMatch(r -> r.uri().equals("/healthz"));
    }
}
