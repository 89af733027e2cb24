package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every gateway-made error is problem+json with the request id; limits and timeouts hold. */
class ErrorResponsesTest {
    static GatewayFixture fixture;
    static TestUpstream upstream;
    static int port;
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: connection refused
        }
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .route(RouteConfig.prefix("/").to(up.url()).build())
                .route(RouteConfig.prefix("/refused").to("http://127.0.0.1:" + closedPort).build())
                .route(RouteConfig.prefix("/small").to(up.url()).replacePrefix("/upload").maxRequestBodyBytes(10).build())
                .timeouts(Timeouts.builder()
                        .requestHeaders(Duration.ofMillis(1000))
                        .clientIdle(Duration.ofMillis(1000))
                        .upstreamResponse(Duration.ofMillis(700))
                        .build()));
        upstream = fixture.upstream;
        port = fixture.port();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static RawHttp.Result send(String request) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            return raw.send(request).readUntilCloseOrQuiet(3000);
        }
    }

    private static void assertProblem(RawHttp.Result r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        String id = r.header("x-request-id");
        assertThat(id).isNotBlank();
        assertThat(r.body()).contains("\"status\":" + status).contains("\"requestId\":\"" + id + "\"")
                .contains("\"title\":").contains("\"detail\":");
    }

    @Test
    void requestLineTooLong_is414() throws Exception {
        assertProblem(send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"), 414);
    }

    @Test
    void headerFieldTooLarge_is431() throws Exception {
        assertProblem(send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(8300) + "\r\n\r\n"), 431);
    }

    @Test
    void headerBlockTooLarge_is431() throws Exception {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 8; i++) {
            sb.append("X-H").append(i).append(": ").append("c".repeat(5000)).append("\r\n");
        }
        assertProblem(send(sb.append("\r\n").toString()), 431);
    }

    @Test
    void tooManyHeaderFields_is431() throws Exception {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 101; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        assertProblem(send(sb.append("\r\n").toString()), 431);
    }

    @Test
    void declaredBodyTooLarge_is413BeforeAnyUpload() throws Exception {
        RawHttp.Result r = send("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
        assertProblem(r, 413);
        assertThat(r.closed()).isTrue();
    }

    @Test
    void chunkedBodyTooLarge_is413() throws Exception {
        RawHttp.Result r = send("POST /small HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
        assertProblem(r, 413);
    }

    @Test
    void bodyWithinRouteLimit_passes() throws Exception {
        RawHttp.Result r = send("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("bytes=10 ");
    }

    @Test
    void noRoute_is404() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/api").to(up.url()).build()).build()) {
            gw.start();
            try (RawHttp raw = new RawHttp("127.0.0.1", gw.address("h").getPort())) {
                assertProblem(raw.send("GET /other HTTP/1.1\r\nHost: a\r\n\r\n").readResponse(), 404);
            }
        }
    }

    @Test
    void upstreamRefused_is502() throws Exception {
        RawHttp.Result r = send("GET /refused HTTP/1.1\r\nHost: a\r\n\r\n");
        assertProblem(r, 502);
        assertThat(r.body()).as("a local upstream is named").contains("the upstream 127.0.0.1:" + closedPort + " on this host");
    }

    @Test
    void upstreamResetsBeforeAnswering_is502() throws Exception {
        assertProblem(send("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n"), 502);
    }

    @Test
    void upstreamSendsGarbage_is502() throws Exception {
        assertProblem(send("GET /garbage HTTP/1.1\r\nHost: a\r\n\r\n"), 502);
    }

    @Test
    void upstreamDiesMidResponse_clientConnectionIsCutNotCompleted() throws Exception {
        RawHttp.Result r = send("GET /truncate HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("100000");
        assertThat(r.body()).isEqualTo("0123456789"); // what arrived, and then the connection closed
        assertThat(r.closed()).isTrue();
    }

    @Test
    void upstreamDiesMidResponse_h2StreamIsReset() throws Exception {
        try (Gateway gw = Gateway.builder()
                .listener(ListenerConfig.http(0).named("h2c").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to(upstream.url()).build()).build()) {
            gw.start();
            try (NettyH2Client client = new NettyH2Client("127.0.0.1", gw.address("h2c").getPort(), false)) {
                NettyH2Client.Response r = client.send(NettyH2Client.headers("GET", "a", "/truncate"), null);
                assertThat(r.status()).as("the stream must not end normally").isEqualTo(-1);
                // the connection itself survives for other streams
                assertThat(client.send(NettyH2Client.headers("GET", "a", "/echo"), null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void silentConnection_onCleartextListener_isClosed() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            long start = System.nanoTime();
            RawHttp.Result r = raw.readUntilCloseOrQuiet(4000);
            assertThat(r.closed()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
        }
    }

    @Test
    void stalledRequestBody_is408() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            RawHttp.Result r = raw.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
                    .readUntilCloseOrQuiet(4000);
            assertProblem(r, 408);
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void pipelinedPartialHead_getsTheHeadTimeoutNotTheIdleOne() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            RawHttp.Result r = raw.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHo")
                    .readUntilCloseOrQuiet(4000);
            assertThat(r.text()).startsWith("HTTP/1.1 200").contains("HTTP/1.1 408");
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void bytesBeyondAResponse_neverReachTheNextRequest() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build()).ioThreads(1).build()) {
            gw.start();
            int p = gw.address("h").getPort();
            try (RawHttp raw = new RawHttp("127.0.0.1", p)) {
                assertThat(raw.send("GET /extra HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().body()).endsWith("ok");
            }
            Thread.sleep(100);
            for (int i = 0; i < 3; i++) {
                try (RawHttp raw = new RawHttp("127.0.0.1", p)) {
                    RawHttp.Result r = raw.send("GET /echo/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
                    assertThat(r.status()).as(r.text()).isEqualTo(200);
                    assertThat(r.body()).contains("uri=/echo/" + i);
                }
            }
        }
    }

    @Test
    void unsafeRequest_isNotReplayedWhenAReusedConnectionDrops() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build()).ioThreads(1).build()) {
            gw.start();
            try (RawHttp raw = new RawHttp("127.0.0.1", gw.address("h").getPort())) {
                assertThat(raw.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(200);
                // the pooled connection is reused for the POST; the upstream takes it, then drops
                RawHttp.Result r = raw.send("POST /drop HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").readResponse();
                assertThat(r.status()).isEqualTo(502);
            }
            Thread.sleep(500);
            assertThat(up.requests()).filteredOn(req -> req.uri().equals("/drop")).hasSize(1);
        }
    }

    @Test
    void connectionsBeyondTheListenerLimit_areClosedAtOnce() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build())
                     .limits(Limits.builder().maxConnections(2).build()).build()) {
            gw.start();
            int p = gw.address("h").getPort();
            try (RawHttp a = new RawHttp("127.0.0.1", p); RawHttp b = new RawHttp("127.0.0.1", p)) {
                assertThat(a.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(200);
                assertThat(b.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(200);
                assertThat(RawHttp.closedOnArrival("127.0.0.1", p, 2000)).as("third connection closed").isTrue();
                // the first two are unaffected
                assertThat(a.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void wholeRequestTimeout_is504EvenWhileTheUpstreamTrickles() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build())
                     .timeouts(Timeouts.builder().request(Duration.ofMillis(800)).build()).build()) {
            gw.start();
            try (RawHttp raw = new RawHttp("127.0.0.1", gw.address("h").getPort())) {
                RawHttp.Result r = raw.send("GET /slow?ms=3000 HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
                assertProblem(r, 504);
                assertThat(r.body()).contains("did not complete within");
            }
        }
    }

    @Test
    void upstreamTooSlow_is504() throws Exception {
        long start = System.nanoTime();
        RawHttp.Result r;
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            r = raw.send("GET /slow?ms=3000 HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
        }
        assertProblem(r, 504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void slowloris_headersTrickled_is408AndClosed() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            long start = System.nanoTime();
            raw.send("GET / HTTP/1.1\r\nHost: a\r\n");
            RawHttp.Result r = null;
            for (int i = 0; i < 40; i++) {
                try {
                    raw.send("X-Slow-" + i + ": x\r\n");
                } catch (java.io.IOException closed) {
                    break;
                }
                r = raw.readUntilCloseOrQuiet(100);
                if (r.closed() || !r.text().isEmpty()) {
                    break;
                }
            }
            if (r == null || (!r.closed() && r.text().isEmpty())) {
                r = raw.readUntilCloseOrQuiet(2000);
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.text()).startsWith("HTTP/1.1 408");
            assertThat(elapsedMs).isBetween(900L, 3000L);
        }
    }
}
