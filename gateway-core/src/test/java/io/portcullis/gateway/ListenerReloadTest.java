package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Gateway#reload} with listener, limit and timeout changes: sockets that stay configured keep
 * their open connections, new addresses are bound, removed ones wind down, and a failure changes nothing.
 */
class ListenerReloadTest {
    @TempDir
    Path dir;
    TestUpstream upstream;
    Gateway gateway;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private Gateway.Builder base() {
        return Gateway.builder()
                .route(RouteConfig.prefix("/").id("root").to(UpstreamConfig.of(upstream.url()).withPreserveHost(false)).build());
    }

    private static ListenerConfig http(String name, int port) {
        return new ListenerConfig(name, "127.0.0.1", port, ListenerConfig.Mode.HTTP, null, 0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static RawHttp.Result get(RawHttp raw, String path, String... headers) throws IOException {
        return raw.send("GET " + path + " HTTP/1.1\r\nHost: gw\r\n" + String.join("", headers) + "\r\n").readResponse();
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void addedListener_isBound_removedOne_closes_andAConnectionOnAKeptOne_continues() throws Exception {
        int first = freePort();
        gateway = base().listener(http("a", first)).meterRegistry(meters).build();
        gateway.start();
        try (RawHttp onA = new RawHttp("127.0.0.1", first)) {
            assertThat(get(onA, "/echo").status()).isEqualTo(200);

            int second = freePort();
            gateway.reload(base().listener(http("a", first)).listener(http("b", second)).buildConfig());
            assertThat(gateway.address("b").getPort()).isEqualTo(second);
            try (RawHttp onB = new RawHttp("127.0.0.1", second)) {
                assertThat(get(onB, "/echo").status()).isEqualTo(200);
                assertThat(get(onA, "/echo").status()).as("the kept listener's connection").isEqualTo(200);

                // b stays, a goes: a's socket closes and its idle keep-alive connection is closed too
                gateway.reload(base().listener(http("b", second)).buildConfig());
                assertThat(refused(first)).as("a's socket is closed").isTrue();
                assertThat(onA.readUntilCloseOrQuiet(3000).closed()).as("a's idle connection wound down").isTrue();
                assertThat(get(onB, "/echo").status()).isEqualTo(200);
                assertThatThrownBy(() -> gateway.address("a")).hasMessageContaining("no started listener named 'a'");
            }
        }
    }

    @Test
    void removedListener_letsItsRequestInFlightFinish_thenClosesTheConnection() throws Exception {
        int first = freePort();
        int second = freePort();
        gateway = base().listener(http("a", first)).listener(http("b", second)).build();
        gateway.start();
        RawHttp slow = new RawHttp("127.0.0.1", first);
        CompletableFuture<RawHttp.Result> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return get(slow, "/slow?ms=700");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (upstream.requests().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5); // until the slow request reached the upstream
        }
        gateway.reload(base().listener(http("b", second)).buildConfig());
        RawHttp.Result r = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(slow.readUntilCloseOrQuiet(3000).closed()).as("closed after its response").isTrue();
        slow.close();
    }

    @Test
    void limitsAndTimeouts_applyToRequestsAfterTheReload() throws Exception {
        gateway = base().listener(http("a", 0)).build();
        gateway.start();
        int port = gateway.address("a").getPort();
        String manyHeaders = "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\n";
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            assertThat(get(raw, "/echo", manyHeaders).status()).isEqualTo(200);
            gateway.reload(base().listener(http("a", 0)).limits(Limits.builder().maxHeaderCount(5).build()).buildConfig());
            assertThat(get(raw, "/echo", manyHeaders).status()).as("same connection, new limit").isEqualTo(431);
        }
        assertThat(gateway.address("a").getPort()).as("a port-0 listener keeps its socket").isEqualTo(port);
    }

    @Test
    void connectionLimitChange_countsTheConnectionsAlreadyOpen() throws Exception {
        gateway = base().listener(http("a", 0)).build();
        gateway.start();
        int port = gateway.address("a").getPort();
        try (RawHttp one = new RawHttp("127.0.0.1", port); RawHttp two = new RawHttp("127.0.0.1", port)) {
            assertThat(get(one, "/echo").status()).isEqualTo(200);
            assertThat(get(two, "/echo").status()).isEqualTo(200);
            gateway.reload(base().listener(http("a", 0).withConnectionLimits(new ConnectionLimits(2, 0, 64)))
                    .buildConfig());
            assertThat(RawHttp.closedOnArrival("127.0.0.1", port, 2000))
                    .as("two are open: the third is over the new limit").isTrue();
            assertThat(get(one, "/echo").status()).isEqualTo(200);
        }
    }

    @Test
    void newCertificate_servesNewHandshakes_whileAnOpenTlsConnectionContinues() throws Exception {
        TestCertificates.Authority ca = TestCertificates.ca("Reload CA");
        TestCertificates.Issued before = ca.issue(TestCertificates.KeyType.EC, "localhost");
        TestCertificates.Issued after = ca.issue(TestCertificates.KeyType.EC, "localhost");
        TlsConfig tlsBefore = TlsConfig.of(CertificateConfig.of(before.writeChain(dir, "before"),
                before.writeKey(dir, "before", TestCertificates.KeyFormat.PKCS8)));
        TlsConfig tlsAfter = TlsConfig.of(CertificateConfig.of(after.writeChain(dir, "after"),
                after.writeKey(dir, "after", TestCertificates.KeyFormat.PKCS8)));
        ListenerConfig web = new ListenerConfig("web", "127.0.0.1", 0, ListenerConfig.Mode.HTTPS, tlsBefore, 0);
        gateway = base().listener(web).meterRegistry(meters).build();
        gateway.start();
        int port = gateway.address("web").getPort();
        try (SSLSocket open = handshake(ca.certificate(), port)) {
            assertThat(served(open)).isEqualTo(before.certificate());
            gateway.reload(base().listener(new ListenerConfig("web", "127.0.0.1", 0, ListenerConfig.Mode.HTTPS, tlsAfter, 0))
                    .buildConfig());
            try (SSLSocket fresh = handshake(ca.certificate(), port)) {
                assertThat(served(fresh)).isEqualTo(after.certificate());
            }
            RawHttp raw = new RawHttp(open);
            assertThat(get(raw, "/echo").status()).as("the connection opened before the reload").isEqualTo(200);
        }
        double expiry = meters.get("portcullis.tls.certificate.expiry").tag("listener", "web").gauge().value();
        assertThat(expiry).isCloseTo((after.certificate().getNotAfter().getTime() - System.currentTimeMillis()) / 1000.0,
                org.assertj.core.data.Offset.offset(60.0));
    }

    private static SSLSocket handshake(X509Certificate ca, int port) throws IOException {
        SSLSocket s = (SSLSocket) TestTls.clientContextTrusting(ca).getSocketFactory().createSocket("localhost", port);
        s.startHandshake();
        return s;
    }

    private static X509Certificate served(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    @Test
    void failedBind_orThreadChange_leaveTheRunningConfigurationUntouched() throws Exception {
        gateway = base().listener(http("a", 0)).build();
        gateway.start();
        GatewayConfig running = gateway.config();
        int port = gateway.address("a").getPort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            GatewayConfig clash = base().listener(http("a", 0)).listener(http("b", 0).bind("127.0.0.1"))
                    .listener(http("c", taken.getLocalPort())).buildConfig();
            assertThatThrownBy(() -> gateway.reload(clash)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("listeners[2].port").hasMessageContaining("cannot bind");
        }
        assertThatThrownBy(() -> gateway.reload(Gateway.builder().config(running).ioThreads(3).buildConfig()))
                .hasMessageStartingWith("ioThreads: changed").hasMessageContaining("need a restart");
        assertThat(gateway.config()).isEqualTo(running);
        assertThat(gateway.addresses()).containsOnlyKeys("a");
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            assertThat(get(raw, "/echo").status()).isEqualTo(200);
        }
    }
}
