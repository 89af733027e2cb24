package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every served certificate's time to expiry is a gauge, per listener and certificate; so is every
 * client certificate presented to upstreams, per upstream, following reloads.
 */
class CertificateExpiryMetricTest {

    @Test
    void secondsUntilExpiryPerListenerCertificate() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestTls tls = TestTls.shared();
        try (Gateway g = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("web").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9").build())
                .meterRegistry(meters)
                .build()) {
            double seconds = meters.get("portcullis.tls.certificate.expiry").tag("listener", "web").tag("certificate", "0")
                    .gauge().value();
            // the test certificate is valid for a day from an hour ago
            assertThat(seconds).isBetween(22.0 * 3600, 23.0 * 3600 + 60);
        }
    }

    @Test
    void secondsUntilExpiryPerUpstreamClientCertificate_followingAReload(@TempDir Path dir) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestCertificates.Authority ca = TestTls.shared().ca;
        TestCertificates.Issued first = ca.issue(TestCertificates.KeyType.EC, Duration.ofHours(10), "gateway.internal");
        Path chain = first.writeChain(dir, "gw");
        Path key = first.writeKey(dir, "gw", TestCertificates.KeyFormat.PKCS8);
        UpstreamConfig up = UpstreamConfig.of("https://payments.internal:8443").withClientCertificate(CertificateConfig.of(chain, key));
        try (Gateway g = Gateway.builder()
                .listener(ListenerConfig.http(0).named("web").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/pay").to(up).build())
                .route(RouteConfig.prefix("/pay2").to(up).build())
                .meterRegistry(meters)
                .build()) {
            g.start();
            var gauge = meters.get("portcullis.tls.client.certificate.expiry")
                    .tag("upstream", "https://payments.internal:8443").tag("certificate", chain.toString()).gauge();
            assertThat(meters.find("portcullis.tls.client.certificate.expiry").gauges()).as("one per certificate").hasSize(1);
            // valid for 10 hours from an hour ago
            assertThat(gauge.value()).isBetween(8.9 * 3600, 9.0 * 3600 + 60);

            TestCertificates.Issued renewed = ca.issue(TestCertificates.KeyType.EC, Duration.ofHours(30), "gateway.internal");
            renewed.writeKey(dir, "gw", TestCertificates.KeyFormat.PKCS8);
            renewed.writeChain(dir, "gw");
            assertThat(gauge.value()).as("the loaded certificate counts until a reload").isLessThan(9.0 * 3600 + 60);
            g.reload(g.config());
            assertThat(gauge.value()).isBetween(28.9 * 3600, 29.0 * 3600 + 60);
        }
    }
}
