package io.portcullis.gateway.acme;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Let's Encrypt's test CA on loopback: {@code pebble} with {@code pebble-challtestsrv} as its DNS
 * (every name resolves to 127.0.0.1), validating http-01 challenges against {@code httpPort}.
 * Tests skip with a reason when the Debian package is missing; CI installs it. Public for the
 * server module's tests (through the test-jar).
 */
public final class Pebble implements AutoCloseable {
    public final Path dir;
    public final Path caPem;
    private final X509Certificate directoryCaCert;
    final int port;
    final int managementPort;
    private final int dnsPort;
    private final int challengeMgmtPort;
    private final int httpPort;
    private final List<Process> processes = new ArrayList<>();

    private Pebble(Path dir, int httpPort, int tlsPort) throws Exception {
        this.dir = dir;
        this.httpPort = httpPort;
        this.port = freePort();
        this.managementPort = freePort();
        this.dnsPort = freePort();
        this.challengeMgmtPort = freePort();
        TestCertificates.Authority ca = TestCertificates.ca("Pebble Directory Test CA");
        TestCertificates.Issued leaf = ca.issue(TestCertificates.KeyType.EC, "localhost");
        Path cert = leaf.writeChain(dir, "pebble.crt");
        Path key = leaf.writeKey(dir, "pebble.key", TestCertificates.KeyFormat.PKCS8);
        this.caPem = ca.writeCaPem(dir.resolve("pebble-ca.pem"));
        this.directoryCaCert = ca.certificate();
        Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(port, managementPort, cert, key, httpPort, tlsPort));
    }

    /** Starts pebble validating http-01 on {@code httpPort} (skips the test without pebble installed). */
    public static Pebble start(Path dir, int httpPort) throws Exception {
        return start(dir, httpPort, freePort());
    }

    /** Starts pebble validating http-01 on {@code httpPort} and tls-alpn-01 on {@code tlsPort}. */
    public static Pebble start(Path dir, int httpPort, int tlsPort) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pebble")) && Files.isExecutable(Path.of("/usr/bin/pebble-challtestsrv")),
                "pebble is not installed (apt-get install pebble; CI does)");
        // its listen ports are picked free, then bound by another process: one can be taken in between
        // (by any connection's ephemeral source port), so a launch that does not come up is retried on new ports
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Pebble p = new Pebble(dir, httpPort, tlsPort);
            try {
                p.startProcesses();
                return p;
            } catch (IllegalStateException e) {
                p.stop();
                failure = failure == null ? e : failure;
                failure.addSuppressed(new IllegalStateException("pebble.log: " + p.log() + " challtestsrv.log: "
                        + (Files.exists(dir.resolve("challtestsrv.log")) ? Files.readString(dir.resolve("challtestsrv.log")) : "")));
            }
        }
        throw failure;
    }

    void startProcesses() throws Exception {
        processes.add(launch(List.of("/usr/bin/pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-management", "127.0.0.1:" + challengeMgmtPort), "challtestsrv.log"));
        awaitPort(challengeMgmtPort, processes.get(0));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/pebble", "-config", dir.resolve("pebble.json").toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort);
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        pb.environment().put("PEBBLE_AUTHZREUSE", "0");
        processes.add(launch(pb, "pebble.log"));
        awaitPort(port, processes.get(1));
    }

    public URI directory() {
        return URI.create("https://localhost:" + port + "/dir");
    }

    /** Pebble's root for issued certificates (a new one per launch). */
    public X509Certificate issuingRoot() throws Exception {
        var client = java.net.http.HttpClient.newBuilder().sslContext(TestTls.clientContextTrusting(directoryCaCert)).build();
        var res = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + managementPort + "/roots/0")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(res.body()));
    }

    public void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }

    public String log() throws IOException {
        return Files.exists(dir.resolve("pebble.log")) ? Files.readString(dir.resolve("pebble.log")) : "";
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private Process launch(List<String> command, String log) throws IOException {
        return launch(new ProcessBuilder(command), log);
    }

    private Process launch(ProcessBuilder pb, String log) throws IOException {
        return pb.redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.info().command().orElse("pebble") + " exited with "
                        + process.exitValue() + " before listening on 127.0.0.1:" + port);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nothing listens on 127.0.0.1:" + port);
    }
}
