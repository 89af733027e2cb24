package io.portcullis.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.portcullis.gateway.ActiveHealthCheck;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.testing.H2EchoServer;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clusters with {@code protocol: h2c} and {@code h2}: requests from HTTP/1.1 and HTTP/2 clients reach
 * real HTTP/2 origins on multiplexed streams, bodies stream both ways, GOAWAY is survived, an origin
 * without h2 gives a clear 502, and the SNI override is sent and verified.
 */
class UpstreamHttp2Test {

    private static SslContext serverTls(TestCertificates.Issued cert, boolean h2) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(cert.key(), cert.certificate());
        if (h2) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
        }
        return b.build();
    }

    private static ClusterConfig.Builder h2c(String name, H2EchoServer up) {
        return ClusterConfig.builder(name).protocol(ClusterConfig.Protocol.H2C).endpoint("http://127.0.0.1:" + up.port());
    }

    @Test
    void h2c_http1AndHttp2Clients_reachTheOriginOverHttp2_withAuthorityAndWithoutHopByHopHeaders() throws Exception {
        try (H2EchoServer up = H2EchoServer.h2c(); ClusterFixture fx = new ClusterFixture(h2c("plain", up).build())) {
            HttpResponse<String> res = fx.get("/echo/one?x=1", "TE", "trailers, deflate", "Keep-Alive", "timeout=5");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("x-method")).hasValue("GET");
            assertThat(res.headers().firstValue("x-path")).hasValue("/echo/one?x=1");
            assertThat(res.headers().firstValue("x-authority")).hasValue("127.0.0.1:" + fx.port); // the client's Host
            assertThat(res.headers().map().keySet()).noneMatch(h -> h.startsWith("x-http2"));
            assertThat(res.body()).startsWith("method=GET path=/echo/one?x=1");
            H2EchoServer.Seen seen = up.seen().get(0);
            assertThat(seen.headerNames()).contains("x-request-id", "x-forwarded-for")
                    .doesNotContain("connection", "keep-alive", "transfer-encoding", "upgrade", "host", "te=deflate");

            try (NettyH2Client h2 = new NettyH2Client("127.0.0.1", fx.port, false)) {
                NettyH2Client.Response r = h2.send(NettyH2Client.headers("POST", "api.test", "/echo/two"), "hello h2");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello h2"); // the body went up and came back as HTTP/2 data
                assertThat(r.headers().get("x-authority").toString()).isEqualTo("api.test");
                assertThat(r.headers().get("x-method").toString()).isEqualTo("POST");
            }
            assertThat(up.connectionCount()).isEqualTo(1); // both clients' requests on one upstream connection
        }
    }

    @Test
    void fiftyConcurrentRequests_shareOneConnection_onDistinctStreams() throws Exception {
        try (H2EchoServer up = H2EchoServer.h2c(); ClusterFixture fx = new ClusterFixture(h2c("multiplexed", up).build())) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(fx.getAsync("/hold/" + i));
            }
            assertThat(up.held().tryAcquire(50, 10, TimeUnit.SECONDS)).as("50 requests in flight at once").isTrue();
            up.releaseHeld();
            Set<String> streams = new HashSet<>();
            Set<String> connections = new HashSet<>();
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                streams.add(r.headers().firstValue("x-stream-id").orElseThrow());
                connections.add(r.headers().firstValue("x-connection-id").orElseThrow());
            }
            assertThat(streams).hasSize(50);
            assertThat(connections).hasSize(1);
            assertThat(up.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void maxConcurrentStreamsReached_opensAnotherConnection() throws Exception {
        try (H2EchoServer up = H2EchoServer.h2c(10); ClusterFixture fx = new ClusterFixture(h2c("limited", up).build())) {
            fx.get("/warm-up"); // the first connection learns the limit from the endpoint's SETTINGS
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                all.add(fx.getAsync("/hold/" + i));
            }
            assertThat(up.held().tryAcquire(25, 10, TimeUnit.SECONDS)).isTrue();
            up.releaseHeld();
            Set<String> connections = new HashSet<>();
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                connections.add(r.headers().firstValue("x-connection-id").orElseThrow());
            }
            assertThat(connections).hasSize(3); // 10 + 10 + 5 streams
        }
    }

    @Test
    void maxRequestsPerConnection_countsStreams() throws Exception {
        try (H2EchoServer up = H2EchoServer.h2c(); ClusterFixture fx = new ClusterFixture(h2c("rotating", up)
                .pool(io.portcullis.gateway.PoolLimits.defaults().withMaxRequestsPerConnection(3)).build())) {
            List<String> connections = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                connections.add(fx.get("/n/" + i).headers().firstValue("x-connection-id").orElseThrow());
            }
            assertThat(connections).containsExactly("1", "1", "1", "2", "2", "2", "3");
        }
    }

    @Test
    void oneMegabyteUpload_streamsUpAndIsEchoedBack() throws Exception {
        byte[] body = new byte[1024 * 1024];
        new Random(7).nextBytes(body);
        try (H2EchoServer up = H2EchoServer.h2c(); ClusterFixture fx = new ClusterFixture(h2c("bodies", up).build())) {
            HttpResponse<byte[]> res = fx.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.port + "/upload"))
                    .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(body);
        }
    }

    @Test
    void goAway_inFlightStreamsFinish_newRequestsGoToANewConnection() throws Exception {
        try (H2EchoServer up = H2EchoServer.h2c(); ClusterFixture fx = new ClusterFixture(h2c("going-away", up).build())) {
            for (int i = 0; i < 5; i++) {
                assertThat(fx.get("/before/" + i).headers().firstValue("x-connection-id")).hasValue("1");
            }
            CompletableFuture<HttpResponse<String>> inFlight = fx.getAsync("/hold/in-flight");
            assertThat(up.held().tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();
            HttpResponse<String> goAway = fx.get("/goaway");
            assertThat(goAway.statusCode()).isEqualTo(200);
            assertThat(goAway.headers().firstValue("x-connection-id")).hasValue("1");
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> after = fx.get("/after/" + i);
                assertThat(after.statusCode()).isEqualTo(200);
                assertThat(after.headers().firstValue("x-connection-id")).hasValue("2");
            }
            up.releaseHeld();
            HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200); // the stream below GOAWAY's last id completed
            assertThat(finished.headers().firstValue("x-connection-id")).hasValue("1");
            assertThat(fx.counter("portcullis.cluster.endpoint.ejections", "cluster", "going-away")).isZero();
        }
    }

    @Test
    void streamReset_beforeTheResponse_followsTheRetryRules_andARefusedStreamIsSentAgain() throws Exception {
        try (H2EchoServer a = H2EchoServer.h2c(); H2EchoServer b = H2EchoServer.h2c();
             ClusterFixture fx = new ClusterFixture(ClusterConfig.builder("resets").protocol(ClusterConfig.Protocol.H2C)
                     .endpoint("http://127.0.0.1:" + a.port()).endpoint("http://127.0.0.1:" + b.port())
                     .passiveHealth(PassiveHealth.off()).build())) {
            HttpResponse<String> get = fx.get("/reset/get");
            assertThat(get.statusCode()).isEqualTo(502);
            assertThat(seen(a, "/reset/get") + seen(b, "/reset/get")).as("a GET goes to the other endpoint").isEqualTo(2);

            HttpResponse<String> post = fx.post("/reset/post", "not twice");
            assertThat(post.statusCode()).isEqualTo(502);
            assertThat(seen(a, "/reset/post") + seen(b, "/reset/post")).as("a POST is never sent twice").isEqualTo(1);

            // REFUSED_STREAM: the endpoint did not process it, so it goes again on a new stream of the same endpoint
            // (each server refuses its first one: had it gone to the other endpoint, that one would refuse too)
            HttpResponse<String> refused = fx.get("/refuse-once");
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(Math.max(seen(a, "/refuse-once"), seen(b, "/refuse-once"))).as("both on one endpoint").isEqualTo(2);
            assertThat(Math.min(seen(a, "/refuse-once"), seen(b, "/refuse-once"))).isZero();
        }
    }

    private static long seen(H2EchoServer server, String path) {
        return server.seen().stream().filter(s -> s.path().equals(path)).count();
    }

    /** Waits (bounded) until {@code server} has seen {@code count} requests for {@code path}. */
    private static void awaitSeen(H2EchoServer server, String path, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (seen(server, path) < count && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(seen(server, path)).as(path + " requests").isGreaterThanOrEqualTo(count);
    }

    @Test
    void activeHealthChecks_speakHttp2ToAnH2cEndpoint() throws Exception {
        try (H2EchoServer up = H2EchoServer.h2c(); ClusterFixture fx = new ClusterFixture(h2c("checked", up)
                .activeHealth(ActiveHealthCheck.of("/healthz").withInterval(Duration.ofMillis(30))).build())) {
            awaitSeen(up, "/healthz", 4); // more than unhealthyThreshold (3) probes, all answered over h2c
            assertThat(fx.gauge("portcullis.cluster.endpoint.healthy", "cluster", "checked",
                    "endpoint", "http://127.0.0.1:" + up.port())).isEqualTo(1.0);
            assertThat(fx.get("/after-checks").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void h2OverTls_negotiatedWithAlpn_andVerified() throws Exception {
        TestTls tls = TestTls.shared();
        var cert = tls.ca.issue(TestCertificates.KeyType.EC, "localhost");
        try (H2EchoServer up = H2EchoServer.tls(serverTls(cert, true));
             ClusterFixture fx = new ClusterFixture(ClusterConfig.builder("secure-h2").protocol(ClusterConfig.Protocol.H2)
                     .endpoint("https://localhost:" + up.port()).trustedCertificates(tls.caPem).preserveHost(false)
                     .activeHealth(ActiveHealthCheck.of("/healthz").withInterval(Duration.ofMillis(30))).build())) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(fx.getAsync("/tls/" + i));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("x-authority")).hasValue("localhost:" + up.port());
                assertThat(r.headers().firstValue("x-sni")).hasValue(""); // no SNI for a name without a dot
            }
            awaitSeen(up, "/healthz", 4); // probes over TLS with ALPN h2 too, each on its own connection
            assertThat(fx.gauge("portcullis.cluster.endpoint.healthy", "cluster", "secure-h2",
                    "endpoint", "https://localhost:" + up.port())).isEqualTo(1.0);
            assertThat(up.seen().stream().filter(r -> r.path().startsWith("/tls/")).map(H2EchoServer.Seen::connectionId)
                    .distinct().count()).as("the requests shared one connection").isEqualTo(1);
        }
    }

    @Test
    void h2ClusterWhoseEndpointSpeaksOnlyHttp1_gives502WithAClearDetail() throws Exception {
        TestTls tls = TestTls.shared();
        var cert = tls.ca.issue(TestCertificates.KeyType.EC, "localhost");
        try (TestUpstream up = TestUpstream.startTls(serverTls(cert, false));
             ClusterFixture fx = new ClusterFixture(ClusterConfig.builder("not-h2").protocol(ClusterConfig.Protocol.H2)
                     .endpoint("https://localhost:" + up.port()).trustedCertificates(tls.caPem)
                     .passiveHealth(PassiveHealth.off()).build())) {
            HttpResponse<String> res = fx.get("/echo");
            assertThat(res.statusCode()).isEqualTo(502);
            assertThat(res.body()).contains("did not select HTTP/2").contains("ALPN h2");
            assertThat(fx.counter("portcullis.upstream.errors", "kind", "protocol")).isEqualTo(1.0);
        }
    }

    @Test
    void sniOverride_onAnIpEndpoint_isSentAndVerified() throws Exception {
        TestTls tls = TestTls.shared();
        var cert = tls.ca.issue(TestCertificates.KeyType.EC, "upstream.test"); // no IP in the certificate
        try (H2EchoServer up = H2EchoServer.tls(serverTls(cert, true))) {
            ClusterConfig.Builder cluster = ClusterConfig.builder("by-ip").protocol(ClusterConfig.Protocol.H2)
                    .endpoint("https://127.0.0.1:" + up.port()).trustedCertificates(tls.caPem)
                    .passiveHealth(PassiveHealth.off());
            try (ClusterFixture fx = new ClusterFixture(cluster.sni("upstream.test").build())) {
                HttpResponse<String> res = fx.get("/sni");
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                assertThat(res.headers().firstValue("x-sni")).hasValue("upstream.test");
            }
            // without the override the certificate is checked against the IP (which it does not name)
            try (ClusterFixture fx = new ClusterFixture(cluster.sni(null).build())) {
                HttpResponse<String> res = fx.get("/sni");
                assertThat(res.statusCode()).isEqualTo(502);
                assertThat(res.body()).contains("TLS handshake with the upstream failed");
            }
            // a route's plain upstream (HTTP/1.1) takes the override too
            try (TestUpstream plain = TestUpstream.startTls(serverTls(cert, false));
                 io.portcullis.gateway.Gateway gw = io.portcullis.gateway.Gateway.builder()
                         .listener(io.portcullis.gateway.ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                         .route(io.portcullis.gateway.RouteConfig.prefix("/").to(io.portcullis.gateway.UpstreamConfig
                                 .of("https://127.0.0.1:" + plain.port()).withTrustedCertificates(tls.caPem)
                                 .withSni("upstream.test")).build())
                         .ioThreads(1).build()) {
                gw.start();
                HttpResponse<String> res = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gw.address("http").getPort() + "/echo")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            }
            // and an override naming something else fails verification too
            try (ClusterFixture fx = new ClusterFixture(cluster.sni("other.test").build())) {
                assertThat(fx.get("/sni").statusCode()).isEqualTo(502);
            }
        }
    }
}
