package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.acme.AcmeCertificates;
import io.portcullis.gateway.acme.Pebble;
import io.portcullis.testing.TlsProbe;
import io.portcullis.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code portcullis.listeners[i].tls.acme}: the listener serves a placeholder, then the certificate
 * pebble (Let's Encrypt's test CA, on loopback) issued over http-01, answered by the app's redirect
 * listener; and the settings' errors name their properties.
 */
class AcmePropertiesTest {
    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class));

    private String[] acmeListener(String directory, Path directoryCa, int httpPort) {
        return new String[] {
                "portcullis.listeners[0].name=https",
                "portcullis.listeners[0].host=127.0.0.1",
                "portcullis.listeners[0].port=0",
                "portcullis.listeners[0].tls.reload-interval=100ms",
                "portcullis.listeners[0].tls.acme.directory=" + directory,
                "portcullis.listeners[0].tls.acme.domains=gw.test,www.gw.test",
                "portcullis.listeners[0].tls.acme.email=ops@gw.test",
                "portcullis.listeners[0].tls.acme.agree-to-terms=true",
                "portcullis.listeners[0].tls.acme.storage=" + dir.resolve("acme"),
                "portcullis.listeners[0].tls.acme.directory-ca=" + directoryCa,
                "portcullis.listeners[1].name=http",
                "portcullis.listeners[1].host=127.0.0.1",
                "portcullis.listeners[1].port=" + httpPort,
                "portcullis.listeners[1].mode=REDIRECT",
                "portcullis.listeners[1].https-port=443",
                "portcullis.routes[0].path=/",
                "portcullis.routes[0].upstream.url=http://127.0.0.1:9",
        };
    }

    @Test
    void acmeListenerGetsItsCertificateOverHttp01() throws Exception {
        int httpPort = Pebble.freePort();
        try (Pebble pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), httpPort)) {
            runner.withPropertyValues(acmeListener(pebble.directory().toString(), pebble.caPem, httpPort)).run(ctx -> {
                assertThat(ctx).hasNotFailed();
                PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
                AcmeCertificates manager = gateway.acme().get("https");
                assertThat(manager.config().domains()).containsExactly("gw.test", "www.gw.test");
                int port = gateway.address("https").getPort();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                X509Certificate served = servedLeaf(port, "www.gw.test");
                while (!served.getIssuerX500Principal().getName().contains("Pebble") && System.nanoTime() - deadline < 0) {
                    Thread.sleep(50); // polling the served certificate with a deadline: issuance has no hook to wait on
                    served = servedLeaf(port, "www.gw.test");
                }
                assertThat(manager.lastError()).isNull();
                assertThat(manager.issued()).as("issued; last error: %s", manager.lastError()).isTrue();
                assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
                String health = new io.portcullis.spring.actuate.PortcullisHealthIndicator(gateway).health(true).toString();
                assertThat(health).contains("issued=true").contains("www.gw.test");
                assertThat(served.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                        .containsExactlyInAnyOrder("gw.test", "www.gw.test");
            });
        }
    }

    @Test
    void acmeErrorsNameTheProperty() {
        String[] base = acmeListener("https://127.0.0.1:14000/dir", TestTls.shared().chain, 0);
        assertInvalid("portcullis.listeners[0].tls.acme.agree-to-terms", "false", base,
                "portcullis.listeners[0].tls.acme.agree-to-terms=false");
        assertInvalid("portcullis.listeners[0].tls.acme.domains[0]", "without wildcards", base,
                "portcullis.listeners[0].tls.acme.domains=*.gw.test");
        assertInvalid("portcullis.listeners[0].tls.acme", "set together with certificates", base,
                "portcullis.listeners[0].tls.certificates[0].certificate-chain=" + TestTls.shared().chain,
                "portcullis.listeners[0].tls.certificates[0].private-key=" + TestTls.shared().key);
        assertInvalid("portcullis.listeners[0].tls.acme.eab.hmac-key", "missing", base,
                "portcullis.listeners[0].tls.acme.eab.key-id=kid-1");
        assertInvalid("portcullis.listeners[0].tls.acme.challenge", "http-01 or tls-alpn-01", base,
                "portcullis.listeners[0].tls.acme.challenge=dns-01");
    }

    private void assertInvalid(String property, String problem, String[] base, String... values) {
        runner.withPropertyValues(base).withPropertyValues(values).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable t = ctx.getStartupFailure();
            while (t != null && !(t instanceof InvalidGatewayPropertyException)) {
                t = t.getCause();
            }
            assertThat(t).as("startup failure %s", ctx.getStartupFailure()).isNotNull();
            InvalidGatewayPropertyException e = (InvalidGatewayPropertyException) t;
            assertThat(e.property()).as(e.getMessage()).isEqualTo(property);
            assertThat(e.problem()).contains(problem);
        });
    }

    /** The leaf the listener serves for {@code host} (any certificate accepted: the issuer is what is checked). */
    private static X509Certificate servedLeaf(int port, String host) throws Exception {
        try (TlsProbe probe = TlsProbe.open(port, host)) {
            return probe.leaf();
        }
    }
}
