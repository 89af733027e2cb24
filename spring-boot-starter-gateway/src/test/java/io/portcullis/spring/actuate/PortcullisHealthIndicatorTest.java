package io.portcullis.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.spring.PortcullisAutoConfiguration;
import io.portcullis.spring.PortcullisGateway;
import io.portcullis.testing.TestTls;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Certificates decide the health too: an expired one is DOWN even while the listener serves. */
class PortcullisHealthIndicatorTest {

    @Test
    void expiredCertificateIsDown() {
        TestTls tls = TestTls.shared();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
                .withPropertyValues("portcullis.listeners[0].name=public", "portcullis.listeners[0].host=127.0.0.1",
                        "portcullis.listeners[0].port=0",
                        "portcullis.listeners[0].tls.certificates[0].certificate-chain=" + tls.chain,
                        "portcullis.listeners[0].tls.certificates[0].private-key=" + tls.key)
                .run(ctx -> {
                    PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
                    Clock later = Clock.fixed(Instant.parse("2200-01-01T00:00:00Z"), ZoneOffset.UTC);
                    Health expired = new PortcullisHealthIndicator(gateway, later).health(true);
                    assertThat(expired.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(expired.getDetails().get("certificates").toString()).contains("valid=false");
                    assertThat(new PortcullisHealthIndicator(gateway).health(true).getStatus()).isEqualTo(Status.UP);
                });
    }
}
