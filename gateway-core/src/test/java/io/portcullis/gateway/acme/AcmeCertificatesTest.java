package io.portcullis.gateway.acme;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.internal.acme.SelfSignedCertificates;
import io.portcullis.testing.TestUpstream;
import io.portcullis.testing.TlsProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME against pebble on loopback: a placeholder first, then the issued chain served to a real TLS
 * client (and valid up to pebble's root), renewal swapped in under an open connection, and a CA
 * that is down: backoff, and the certificate in place (placeholder or issued) keeps serving.
 */
class AcmeCertificatesTest {
    @TempDir
    Path dir;
    Pebble pebble;
    AcmeCertificates acme;
    Gateway gateway;
    TestUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        if (acme != null) {
            acme.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    private int startGateway(int httpPort) {
        upstream = TestUpstream.start();
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.builder().certificate(acme.certificate())
                        .reloadInterval(Duration.ofMillis(100)).build()).named("https").bind("127.0.0.1"))
                .listener(ListenerConfig.redirect(httpPort, 443).named("http").bind("127.0.0.1"))
                .acmeChallenges(acme.challenges())
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        gateway.start();
        return gateway.address("https").getPort();
    }

    @Test
    void firstIssuanceRenewalUnderAnOpenConnection() throws Exception {
        int httpPort = Pebble.freePort();
        pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), httpPort);
        acme = AcmeCertificates.create(AcmeConfig.of(pebble.directory(), dir.resolve("acme"), "gw.test", "www.gw.test")
                .withEmail("ops@gw.test").withDirectoryCa(pebble.caPem));
        assertThat(acme.issued()).isFalse();
        int port = startGateway(httpPort);
        try (TlsProbe before = TlsProbe.open(port, "gw.test")) {
            assertThat(SelfSignedCertificates.isSelfSigned(before.leaf())).as("placeholder until issued").isTrue();
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("acme/gw.test/key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        try (TlsProbe kept = TlsProbe.open(port, "gw.test")) {
            acme.start();
            awaitIssued();
            X509Certificate issued = acme.current();
            X509Certificate[] served = awaitServed(port, issued);
            validate(served, pebble.issuingRoot());
            assertThat(served[0].getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                    .contains("gw.test", "www.gw.test");
            assertThat(kept.get("/echo")).as("a connection opened before the swap still works").startsWith("HTTP/1.1 200");

            acme.renewNow().get(60, TimeUnit.SECONDS);
            assertThat(acme.current().getSerialNumber()).isNotEqualTo(issued.getSerialNumber());
            awaitServed(port, acme.current());
            assertThat(kept.get("/echo")).as("and after the renewal too").startsWith("HTTP/1.1 200");
        }
        // a restart reuses what is stored: no new order
        acme.close();
        AcmeCertificates again = AcmeCertificates.create(AcmeConfig.of(pebble.directory(), dir.resolve("acme"), "gw.test", "www.gw.test")
                .withDirectoryCa(pebble.caPem));
        try {
            assertThat(again.issued()).isTrue();
            again.start();
            assertThat(again.nextAttempt()).isAfter(java.time.Instant.now().plus(Duration.ofDays(1)));
        } finally {
            again.close();
        }

        // the CA is gone when a renewal is due: the attempt fails, backs off, and the issued certificate keeps serving
        pebble.stop();
        AcmeCertificates due = AcmeCertificates.create(AcmeConfig.of(pebble.directory(), dir.resolve("acme"), "gw.test", "www.gw.test")
                .withDirectoryCa(pebble.caPem).withRenewBefore(Duration.ofDays(3650)));
        try {
            X509Certificate stored = due.current();
            assertThat(due.issued()).isTrue();
            due.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (due.lastError() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(due.lastError()).as("the renewal attempt failed").isNotNull();
            assertThat(due.nextAttempt()).as("and backs off").isAfter(java.time.Instant.now().plusSeconds(20));
            assertThat(due.current().getSerialNumber()).isEqualTo(stored.getSerialNumber());
            try (TlsProbe probe = TlsProbe.open(port, "gw.test")) {
                assertThat(probe.leaf().getSerialNumber()).isEqualTo(stored.getSerialNumber());
                assertThat(probe.get("/echo")).startsWith("HTTP/1.1 200");
            }
        } finally {
            due.close();
        }
    }

    @Test
    void tlsAlpn01WithoutAnyCleartextListener() throws Exception {
        int httpsPort = Pebble.freePort();
        pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), Pebble.freePort(), httpsPort);
        acme = AcmeCertificates.create(AcmeConfig.of(pebble.directory(), dir.resolve("acme"), "alpn.test")
                .withDirectoryCa(pebble.caPem).withChallenge("tls-alpn-01"));
        upstream = TestUpstream.start();
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(httpsPort, TlsConfig.builder().certificate(acme.certificate())
                        .reloadInterval(Duration.ofMillis(100)).build()).named("https").bind("127.0.0.1"))
                .acmeChallenges(acme.challenges())
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        gateway.start();
        acme.start();
        awaitIssued();
        X509Certificate[] served;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            try (TlsProbe p = TlsProbe.open(httpsPort, "alpn.test")) {
                served = p.chain();
                if (served[0].getSerialNumber().equals(acme.current().getSerialNumber())) {
                    assertThat(p.get("/echo")).startsWith("HTTP/1.1 200");
                    break;
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        validate(served, pebble.issuingRoot());
        assertThat(served[0].getSerialNumber()).isEqualTo(acme.current().getSerialNumber());
    }

    @Test
    void aCaThatIsDownMeansBackoffAndThePlaceholderKeepsServing() throws Exception {
        int httpPort = Pebble.freePort();
        pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), httpPort);
        pebble.stop();
        acme = AcmeCertificates.create(AcmeConfig.of(pebble.directory(), dir.resolve("acme"), "down.test")
                .withDirectoryCa(pebble.caPem));
        int port = startGateway(httpPort);
        acme.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acme.lastError() == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(acme.lastError()).isNotNull();
        assertThat(acme.nextAttempt()).isAfter(java.time.Instant.now().plusSeconds(20));
        try (TlsProbe probe = TlsProbe.open(port, "down.test")) {
            assertThat(SelfSignedCertificates.isSelfSigned(probe.leaf())).isTrue();
            assertThat(probe.get("/echo")).startsWith("HTTP/1.1 200");
        }
    }

    private void awaitIssued() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!acme.issued() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(acme.issued()).as("issued; last error: %s", acme.lastError()).isTrue();
    }

    private static X509Certificate[] awaitServed(int port, X509Certificate expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        X509Certificate[] chain;
        do {
            try (TlsProbe p = TlsProbe.open(port, "gw.test")) {
                chain = p.chain();
            }
            if (chain[0].getSerialNumber().equals(expected.getSerialNumber())) {
                return chain;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the gateway still serves serial " + chain[0].getSerialNumber());
    }

    private static void validate(X509Certificate[] chain, X509Certificate root) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(Arrays.asList(chain)), params);
    }

}
