package io.portcullis.gateway.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.testing.TestUpstream;
import io.portcullis.testing.TlsProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes sharing ACME storage in the machine's Redis (a key prefix of their own) against
 * pebble: both start at once, exactly one places the order, pebble's http-01 validation reaches only
 * the node that did NOT order (a forwarder on pebble's port picks it), which answers from Redis; both
 * then serve the same issued certificate to a real TLS client.
 */
class SharedRedisStorageTest {
    private static final String REDIS = "redis://127.0.0.1:6379";

    @TempDir
    Path dir;
    String prefix;
    Pebble pebble;
    TestUpstream upstream;
    LoopbackForwarder forwarder;
    final List<AutoCloseable> closing = new ArrayList<>();
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> redis;

    @BeforeEach
    void redis() {
        assumeTrue(reachable(6379), "Redis is not running on 127.0.0.1:6379 (start redis-server; CI does)");
        prefix = "portcullis-test:acme:" + UUID.randomUUID() + ":";
        client = RedisClient.create(REDIS);
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (pebble != null) {
            pebble.close();
        }
        if (redis != null) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(100));
                if (!page.getKeys().isEmpty()) {
                    redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
            connection.close();
            client.shutdown();
        }
    }

    private AcmeCertificates node(String name) {
        return node(name, "http-01");
    }

    private AcmeCertificates node(String name, String challenge) {
        AcmeCertificates acme = AcmeCertificates.create(AcmeConfig.of(pebble.directory(), dir.resolve(name), "fleet.test")
                .withDirectoryCa(pebble.caPem).withRedis(new AcmeConfig.Redis(REDIS, prefix)).withChallenge(challenge));
        closing.add(acme);
        return acme;
    }

    private Gateway gateway(AcmeCertificates acme) {
        return gateway(acme, true);
    }

    private Gateway gateway(AcmeCertificates acme, boolean cleartext) {
        Gateway.Builder b = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.builder().certificate(acme.certificate())
                        .reloadInterval(Duration.ofMillis(100)).build()).named("https").bind("127.0.0.1"));
        if (cleartext) {
            b.listener(ListenerConfig.redirect(0, 443).named("http").bind("127.0.0.1"));
        }
        Gateway g = b.acmeChallenges(acme.challenges())
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        closing.add(g);
        g.start();
        return g;
    }

    @Test
    void twoNodesOrderOnceAndTheOtherNodeAnswersTheChallenge() throws Exception {
        int validationPort = Pebble.freePort();
        pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), validationPort);
        upstream = TestUpstream.start();
        AcmeCertificates a = node("a");
        AcmeCertificates b = node("b");
        Gateway gwA = gateway(a);
        Gateway gwB = gateway(b);
        int httpA = gwA.address("http").getPort();
        int httpB = gwB.address("http").getPort();
        // pebble reaches whichever node did not order: that node never saw the challenge but in Redis
        forwarder = LoopbackForwarder.start(validationPort, () -> a.ordersPlaced() > 0 ? httpB : httpA);

        a.start();
        b.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(a.issued() && b.issued()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(a.issued()).as("node a issued; last error: %s", a.lastError()).isTrue();
        assertThat(b.issued()).as("node b issued; last error: %s", b.lastError()).isTrue();

        assertThat(a.ordersPlaced() + b.ordersPlaced()).as("orders placed by the two nodes").isEqualTo(1);
        assertThat(redis.get(prefix + "orders:fleet.test")).isEqualTo("1");
        int answering = a.ordersPlaced() == 1 ? httpB : httpA;
        assertThat(forwarder.targets()).as("validation connections").isNotEmpty().containsOnly(answering);
        assertThat(a.current().getSerialNumber()).isEqualTo(b.current().getSerialNumber());
        assertThat(redis.exists(prefix + "lock:fleet.test")).as("the lock is released").isZero();
        assertThat(redis.keys(prefix + "http-01:*")).as("challenges withdrawn").isEmpty();

        X509Certificate root = pebble.issuingRoot();
        for (Gateway g : List.of(gwA, gwB)) {
            X509Certificate[] served = awaitServed(g.address("https").getPort(), a.current());
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(Arrays.asList(served)), params);
        }

        // a third node joining later serves the fleet's certificate from the start, without ordering
        AcmeCertificates c = node("c");
        assertThat(c.issued()).isTrue();
        assertThat(c.current().getSerialNumber()).isEqualTo(a.current().getSerialNumber());
        c.start();
        assertThat(c.ordersPlaced()).isZero();
        assertThat(c.nextAttempt()).isAfter(java.time.Instant.now().plus(Duration.ofDays(1)));
    }

    @Test
    void tlsAlpn01AnsweredInTheHandshakeOfTheNodeThatDidNotOrder() throws Exception {
        int validationPort = Pebble.freePort();
        pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), Pebble.freePort(), validationPort);
        upstream = TestUpstream.start();
        AcmeCertificates a = node("a", "tls-alpn-01");
        AcmeCertificates b = node("b", "tls-alpn-01");
        int httpsA = gateway(a, false).address("https").getPort();
        int httpsB = gateway(b, false).address("https").getPort();
        forwarder = LoopbackForwarder.start(validationPort, () -> a.ordersPlaced() > 0 ? httpsB : httpsA);

        a.start();
        b.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(a.issued() && b.issued()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(a.issued()).as("node a issued; last error: %s", a.lastError()).isTrue();
        assertThat(b.issued()).as("node b issued; last error: %s", b.lastError()).isTrue();
        assertThat(a.ordersPlaced() + b.ordersPlaced()).isEqualTo(1);
        assertThat(forwarder.targets()).isNotEmpty().containsOnly(a.ordersPlaced() == 1 ? httpsB : httpsA);
        awaitServed(httpsA, a.current());
        awaitServed(httpsB, a.current());
    }

    private static X509Certificate[] awaitServed(int port, X509Certificate expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        X509Certificate[] chain;
        do {
            try (TlsProbe p = TlsProbe.open(port, "fleet.test")) {
                chain = p.chain();
                if (chain[0].getSerialNumber().equals(expected.getSerialNumber())) {
                    assertThat(p.get("/echo")).startsWith("HTTP/1.1 200");
                    return chain;
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("port " + port + " still serves serial " + chain[0].getSerialNumber());
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
