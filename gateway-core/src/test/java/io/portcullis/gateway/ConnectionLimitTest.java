package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection limits per listener and per client through real sockets, accepted on several event
 * loops at once: exact counts, slots given back on close, trusted proxies exempt, IPv6 on ::1.
 * Loopback has all of 127.0.0.0/8, so clients bind 127.0.0.2 to be a second client.
 */
class ConnectionLimitTest {
    static TestUpstream upstream;
    static final ExecutorService CLIENTS = Executors.newFixedThreadPool(16);

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
    }

    @AfterAll
    static void stop() {
        CLIENTS.shutdownNow();
        upstream.close();
    }

    private Gateway gateway(SimpleMeterRegistry meters, ListenerConfig listener, String... trusted) {
        Gateway gw = Gateway.builder().listener(listener)
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .trustedProxies(trusted)
                .ioThreads(4)
                .meterRegistry(meters)
                .build();
        gw.start();
        return gw;
    }

    /** A connection from {@code from} that was kept answers a request; a refused one is closed without a byte. */
    record Conn(Socket socket, boolean kept) {
    }

    private static Conn connect(String from, String host, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        try {
            // the refusal is an RST right after accept, which may already fail the connect
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
            RawHttp raw = new RawHttp(s);
            RawHttp.Result r = raw.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
            if (r.status() == 200) {
                return new Conn(s, true);
            }
            assertThat(r.text()).as("a refused connection gets no bytes").isEmpty();
            assertThat(r.closed()).isTrue();
        } catch (IOException reset) {
            // refused with RST
        }
        s.close();
        return new Conn(s, false);
    }

    /** Opens {@code n} connections from {@code from} at once, from many threads; returns those kept. */
    private static List<Socket> openConcurrently(int n, String from, String host, int port) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Conn>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<Conn> c = () -> {
                go.await();
                return connect(from, host, port);
            };
            futures.add(CLIENTS.submit(c));
        }
        go.countDown();
        List<Socket> kept = new ArrayList<>();
        for (Future<Conn> f : futures) {
            Conn c = f.get();
            if (c.kept()) {
                kept.add(c.socket());
            }
        }
        return kept;
    }

    private static void closeAll(List<? extends Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Waits (bounded) for a gauge the event loops update once they see the closes; the assertion is on the value. */
    private static double settle(DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return value.getAsDouble();
    }

    private static double rejected(SimpleMeterRegistry meters, String listener, String reason) {
        var c = meters.find("portcullis.connections.rejected").tags("listener", listener, "reason", reason).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void listenerLimit_isExactUnderConcurrentAccepts_andSlotsComeBackOnClose() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Gateway gw = gateway(meters, ListenerConfig.http(0).named("l").bind("127.0.0.1")
                .withConnectionLimits(ConnectionLimits.of(10, 0)))) {
            int port = gw.address("l").getPort();
            DoubleSupplier open = () -> meters.get("portcullis.connections.open").tag("listener", "l").gauge().value();

            List<Socket> kept = openConcurrently(40, "127.0.0.1", "127.0.0.1", port);
            assertThat(kept).hasSize(10);
            assertThat(open.getAsDouble()).isEqualTo(10);
            assertThat(rejected(meters, "l", "listener-limit")).isEqualTo(30);
            assertThat(rejected(meters, "l", "client-limit")).isZero();

            closeAll(kept);
            assertThat(settle(open, 0)).isZero();
            List<Socket> again = openConcurrently(12, "127.0.0.1", "127.0.0.1", port);
            assertThat(again).as("every slot was given back").hasSize(10);
            closeAll(again);
            assertThat(settle(open, 0)).isZero();
        }
    }

    @Test
    void perClientLimit_isExactPerAddress_andForgetsClientsAtZero() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Gateway gw = gateway(meters, ListenerConfig.http(0).named("c").bind("127.0.0.1")
                .withConnectionLimits(ConnectionLimits.perClient(3)))) {
            int port = gw.address("c").getPort();
            DoubleSupplier clients = () -> meters.get("portcullis.connections.clients").tag("listener", "c").gauge().value();
            DoubleSupplier open = () -> meters.get("portcullis.connections.open").tag("listener", "c").gauge().value();

            List<Socket> one = openConcurrently(12, "127.0.0.1", "127.0.0.1", port);
            List<Socket> two = openConcurrently(12, "127.0.0.2", "127.0.0.1", port);
            assertThat(one).hasSize(3);
            assertThat(two).as("a second client has its own count").hasSize(3);
            assertThat(clients.getAsDouble()).isEqualTo(2);
            assertThat(open.getAsDouble()).isEqualTo(6);
            assertThat(rejected(meters, "c", "client-limit")).isEqualTo(18);

            closeAll(one);
            assertThat(settle(clients, 1)).as("a client without connections is forgotten").isEqualTo(1);
            List<Socket> back = openConcurrently(5, "127.0.0.1", "127.0.0.1", port);
            assertThat(back).hasSize(3);
            closeAll(back);
            closeAll(two);
            assertThat(settle(clients, 0)).isZero();
            assertThat(settle(open, 0)).isZero();
        }
    }

    @Test
    void perClientLimit_exemptsTrustedProxies() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Gateway gw = gateway(meters, ListenerConfig.http(0).named("p").bind("127.0.0.1")
                .withConnectionLimits(ConnectionLimits.perClient(1)), "127.0.0.1/32")) {
            int port = gw.address("p").getPort();
            List<Socket> proxy = openConcurrently(5, "127.0.0.1", "127.0.0.1", port);
            List<Socket> client = openConcurrently(5, "127.0.0.2", "127.0.0.1", port);
            assertThat(proxy).as("the trusted proxy carries many clients").hasSize(5);
            assertThat(client).hasSize(1);
            closeAll(proxy);
            closeAll(client);
        }
    }

    @Test
    void perClientLimit_onIpv6() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Gateway gw = gateway(meters, ListenerConfig.http(0).named("v6").bind("::1")
                .withConnectionLimits(ConnectionLimits.perClient(2)))) {
            int port = gw.address("v6").getPort();
            List<Socket> kept = openConcurrently(8, "::1", "::1", port);
            assertThat(kept).hasSize(2);
            assertThat(rejected(meters, "v6", "client-limit")).isEqualTo(6);
            closeAll(kept);
        }
    }

    @Test
    void https_overTheLimit_isClosedBeforeTheHandshake() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestTls tls = TestTls.shared();
        try (Gateway gw = gateway(meters, ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))
                .named("tls").bind("127.0.0.1").withConnectionLimits(ConnectionLimits.of(1, 0)))) {
            int port = gw.address("tls").getPort();
            var factory = tls.clientContext().getSocketFactory();
            try (SSLSocket first = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
                first.setSoTimeout(5000);
                first.startHandshake();
                assertThatThrownBy(() -> {
                    try (SSLSocket second = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
                        second.setSoTimeout(5000);
                        second.startHandshake();
                    }
                }).isInstanceOf(IOException.class);
                RawHttp.Result r = new RawHttp(first).send("GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
                assertThat(r.status()).as("the admitted connection works").isEqualTo(200);
            }
            assertThat(rejected(meters, "tls", "listener-limit")).isEqualTo(1);
            assertThat(meters.find("portcullis.tls.handshakes").tags("listener", "tls", "result", "failure").counter())
                    .as("no handshake was begun for the refused connection").isNull();
        }
    }
}
