package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.testing.TestTls;
import org.junit.jupiter.api.Test;

/** Every served certificate's time to expiry is a gauge, per listener and certificate. */
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
}
