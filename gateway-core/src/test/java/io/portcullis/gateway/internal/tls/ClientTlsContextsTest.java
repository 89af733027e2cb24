package io.portcullis.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestCertificates.Authority;
import io.portcullis.testing.TestCertificates.Issued;
import io.portcullis.testing.TestCertificates.KeyFormat;
import io.portcullis.testing.TestCertificates.KeyType;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTlsContextsTest {
    private static Authority ca;
    private static Issued upstreamCert;

    @TempDir
    Path dir;
    private ServerTlsContexts upstream;

    @BeforeAll
    static void issue() {
        ca = TestCertificates.ca("Upstream CA");
        upstreamCert = ca.issue(KeyType.EC, "upstream.internal");
    }

    @BeforeEach
    void startUpstream() {
        CertificateConfig cert = new CertificateConfig(upstreamCert.writeChain(dir, "up"),
                upstreamCert.writeKey(dir, "up", KeyFormat.SEC1), null);
        upstream = ServerTlsContexts.create(TlsConfig.of(cert), "upstream");
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void forUpstream_trustedCaAndMatchingHost_handshakes() {
        SslContext client = ClientTlsContexts.forUpstream(ca.writeCaPem(dir));

        InMemoryHandshake.Result r = InMemoryHandshake.run(client, "upstream.internal", upstream.mapping());

        assertThat(r.succeeded()).as("handshake: %s / %s", r.clientFailure(), r.serverFailure()).isTrue();
        assertThat(r.sniHostname()).as("host name sent as SNI").isEqualTo("upstream.internal");
        assertThat(r.clientAlpn()).as("no ALPN towards upstreams").isNull();
        assertThat(r.protocol()).isEqualTo("TLSv1.3");
        assertThat(client.isClient()).isTrue();
        assertThat(client.getClass().getSimpleName()).startsWith(OpenSsl.isAvailable() ? "OpenSsl" : "Jdk");
    }

    @Test
    void forUpstream_hostNameNotInCertificate_failsVerification() {
        SslContext client = ClientTlsContexts.forUpstream(ca.writeCaPem(dir));

        InMemoryHandshake.Result r = InMemoryHandshake.run(client, "evil.internal", upstream.mapping());

        assertThat(r.succeeded()).isFalse();
        assertThat(r.clientFailure()).hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .hasStackTraceContaining("No subject alternative DNS name matching evil.internal");
    }

    @Test
    void forUpstream_defaultTrustStore_rejectsPrivateCa() {
        SslContext client = ClientTlsContexts.forUpstream(null);

        InMemoryHandshake.Result r = InMemoryHandshake.run(client, "upstream.internal", upstream.mapping());

        assertThat(r.succeeded()).isFalse();
        assertThat(r.clientFailure()).hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void forUpstream_missingTrustFile_namesTheFile() {
        Path missing = dir.resolve("nope.pem");

        assertThatThrownBy(() -> ClientTlsContexts.forUpstream(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": file not found");
    }
}
