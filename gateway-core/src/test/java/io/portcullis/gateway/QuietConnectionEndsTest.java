package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that end badly but ordinarily (a reset in the middle of a TLS handshake, before the
 * first request line, after the HTTP/2 preface) and the gateway's own stop leave no warning or
 * stack trace in the log: anyone can open and reset connections, so each one logging a stack trace
 * would be a log flood on demand. Read from what the loggers print (slf4j-simple writes to the
 * current {@code System.err}).
 */
class QuietConnectionEndsTest {
    private PrintStream originalErr;
    private ByteArrayOutputStream captured;
    private TestUpstream upstream;
    private Gateway gateway;

    @BeforeEach
    void start() {
        upstream = TestUpstream.start();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))
                        .named("https").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .ioThreads(1)
                .build();
        gateway.start();
        originalErr = System.err;
        captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        if (gateway.isRunning()) {
            gateway.close();
        }
        upstream.close();
    }

    @Test
    void resetsBeforeAndDuringTheHandshake_andAfterTheH2Preface_logNoWarning() throws Exception {
        int https = gateway.address("https").getPort();
        int http = gateway.address("http").getPort();
        // half a TLS record header, then a reset
        resetAfter(https, new byte[] {0x16, 0x03, 0x01});
        // a whole ClientHello from a real client, reset before the handshake finishes
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", https));
            SSLSocket tls = (SSLSocket) TestTls.shared().clientContext().getSocketFactory()
                    .createSocket(raw, "localhost", https, false);
            SSLParameters p = tls.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            tls.setSSLParameters(p);
            tls.startHandshake(); // the server's flight is read: the handshake completes on our side
            raw.setSoLinger(true, 0);
        }
        // cleartext: the first bytes of the HTTP/2 preface, then a reset while the listener waits for the rest
        resetAfter(http, "PRI * HT".getBytes(StandardCharsets.US_ASCII));
        // cleartext HTTP/2 with prior knowledge: the preface, then a reset on the open connection
        resetAfter(http, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // the gateway still serves, and the resets are behind it on its only event loop
        try (RawHttp raw = new RawHttp("127.0.0.1", http)) {
            assertThat(raw.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n").readResponse().status()).isEqualTo(200);
        }
        assertThat(warnings()).isEmpty();
    }

    /**
     * The stop waits for every socket it closes. Netty's DNS resolver used to keep a UDP socket per
     * event loop from the first upstream connection on (an IP literal too) and close it unwaited at
     * the stop; on io_uring that close could complete only as the loop was torn down ("event executor
     * terminated", seen once in CI). Now no resolver socket outlives its query.
     */
    @Test
    void stoppingAfterProxying_logsNoWarning_andNoResolverSocketStaysOpen() throws Exception {
        int http = gateway.address("http").getPort();
        long udpBefore = udpSocketsOfThisProcess();
        for (int i = 0; i < 3; i++) {
            try (RawHttp raw = new RawHttp("127.0.0.1", http)) {
                assertThat(raw.send("GET /echo HTTP/1.1\r\nHost: a.test\r\n\r\n").readResponse().status()).isEqualTo(200);
            }
        }
        assertThat(udpSocketsOfThisProcess()).as("UDP sockets open after proxying").isEqualTo(udpBefore);
        gateway.close();
        assertThat(warnings()).isEmpty();
    }

    /** UDP sockets held by this JVM: its socket descriptors whose inode /proc lists as UDP. */
    private static long udpSocketsOfThisProcess() throws IOException {
        Set<String> udpInodes = new HashSet<>();
        for (String table : new String[] {"/proc/self/net/udp", "/proc/self/net/udp6"}) {
            Path t = Path.of(table);
            Assumptions.assumeTrue(Files.isReadable(t), table + " is not readable (not Linux)");
            List<String> rows = Files.readAllLines(t);
            for (String row : rows.subList(1, rows.size())) {
                udpInodes.add(row.trim().split("\\s+")[9]);
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(QuietConnectionEndsTest::linkTarget)
                    .filter(l -> l.startsWith("socket:[") && udpInodes.contains(l.substring(8, l.length() - 1)))
                    .count();
        }
    }

    private static String linkTarget(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed meanwhile
        }
    }

    private static void resetAfter(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            Thread.sleep(50); // read by the gateway first, so the reset finds a connection mid-protocol
            s.setSoLinger(true, 0);
        }
    }

    private String warnings() throws InterruptedException {
        Thread.sleep(300); // the event loop logs after the reset arrives
        StringBuilder found = new StringBuilder();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception")) {
                found.append(line).append('\n');
            }
        }
        return found.toString();
    }

    /** Writes to the capture and on to the original stream, so a failing run still shows its log. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
