package io.portcullis.gateway.acme;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.internal.acme.SelfSignedCertificates;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When renewals are due and how failures back off. */
class RenewalScheduleTest {
    @TempDir
    Path dir;

    @Test
    void renewsWithAThirdOfTheLifetimeLeftOrAsConfigured() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        X509Certificate cert = SelfSignedCertificates.create(g.generateKeyPair(), List.of("a.test"), Duration.ofDays(90).minusHours(1));
        Instant notAfter = cert.getNotAfter().toInstant();
        try (AcmeCertificates byThird = AcmeCertificates.create(AcmeConfig.of(AcmeConfig.LETS_ENCRYPT_STAGING, dir.resolve("a"), "a.test"));
             AcmeCertificates byConfig = AcmeCertificates.create(AcmeConfig.of(AcmeConfig.LETS_ENCRYPT_STAGING, dir.resolve("b"), "a.test")
                     .withRenewBefore(Duration.ofDays(7)))) {
            assertThat(byThird.renewAt(cert)).isEqualTo(notAfter.minus(Duration.ofDays(30)));
            assertThat(byConfig.renewAt(cert)).isEqualTo(notAfter.minus(Duration.ofDays(7)));
        }
    }

    @Test
    void backoffDoublesWithJitterUpToSixHours() {
        for (int failures = 1; failures <= 30; failures++) {
            long base = Math.min(30_000L << Math.min(failures - 1, 20), Duration.ofHours(6).toMillis());
            Duration d = AcmeCertificates.backoff(failures);
            assertThat(d.toMillis()).isBetween(base, base + base / 4);
        }
    }
}
