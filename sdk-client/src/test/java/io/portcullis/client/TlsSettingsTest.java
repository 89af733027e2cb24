package io.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.TestCertificates;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trust, client certificates and public-key pinning in real handshakes with the gateway. */
class TlsSettingsTest {
    static SdkGateway gw;

    @BeforeAll
    static void start() {
        gw = new SdkGateway();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static boolean causedBy(Throwable e, Class<?> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void untrustedServer_isRefused() {
        try (PortcullisClient client = PortcullisClient.builder().baseUrl(gw.url()).build()) { // JDK CAs only
            assertThatThrownBy(() -> client.get("/echo")).isInstanceOf(TransportException.class)
                    .satisfies(e -> assertThat(causedBy(e, SSLHandshakeException.class)).isTrue());
        }
    }

    @Test
    void mutualTls_presentsTheClientCertificate() {
        TestCertificates.Issued svc = gw.clientCa.issue(TestCertificates.KeyType.EC, "svc-a.internal");
        TlsSettings tls = TlsSettings.builder().trustPem(gw.tls.caPem)
                .clientCertificatePem(svc.chainPem(), svc.keyPem(TestCertificates.KeyFormat.PKCS8)).build();
        try (PortcullisClient client = PortcullisClient.builder().baseUrl(gw.mtlsUrl()).tls(tls).build()) {
            assertThat(client.get("/echo").bodyAsString()).contains("x-forwarded-client-cert: ")
                    .contains("CN=svc-a.internal");
        }
        try (PortcullisClient anonymous = PortcullisClient.builder().baseUrl(gw.mtlsUrl()).tls(gw.trust()).build()) {
            assertThatThrownBy(() -> anonymous.get("/echo")).isInstanceOf(TransportException.class);
        }
    }

    @Test
    void pinnedKey_matches() {
        TlsSettings tls = TlsSettings.builder().trustPem(gw.tls.caPem).pin(gw.tls.ca.certificate()).build();
        try (PortcullisClient client = PortcullisClient.builder().baseUrl(gw.url()).tls(tls).build()) {
            assertThat(client.get("/echo").status()).isEqualTo(200);
        }
    }

    @Test
    void pinMismatch_isRefused_andNotRetried() {
        TestCertificates.Issued other = TestCertificates.ca("Other").issue(TestCertificates.KeyType.EC, "localhost");
        TlsSettings tls = TlsSettings.builder().trustPem(gw.tls.caPem).pin(other.certificate()).build();
        long before = gw.upstream.requests().size();
        try (PortcullisClient client = PortcullisClient.builder().baseUrl(gw.url()).tls(tls).build()) {
            assertThatThrownBy(() -> client.get("/echo")).isInstanceOf(TransportException.class)
                    .satisfies(e -> assertThat(causedBy(e, SSLHandshakeException.class)).isTrue())
                    .hasStackTraceContaining("matches no pinned public key");
        }
        assertThat(gw.upstream.requests().size()).isEqualTo(before);
    }

    @Test
    void badPins_andKeys_areRejectedWhenBuilt() {
        assertThatThrownBy(() -> TlsSettings.builder().pinSha256("abc")).isInstanceOf(IllegalArgumentException.class);
        TestCertificates.Issued svc = gw.clientCa.issue(TestCertificates.KeyType.EC, "x");
        assertThatThrownBy(() -> TlsSettings.builder().clientCertificatePem(svc.chainPem(),
                svc.keyPem(TestCertificates.KeyFormat.SEC1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8");
    }
}
