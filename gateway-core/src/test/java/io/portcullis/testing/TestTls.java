package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One test CA and a server certificate for {@code localhost} (EC P-256), written once per JVM to a
 * temporary directory, plus clients that trust the CA.
 */
public final class TestTls {
    private static TestTls shared;

    public final TestCertificates.Authority ca;
    public final Path dir;
    public final Path chain;
    public final Path key;
    public final Path caPem;

    private TestTls() {
        try {
            dir = Files.createTempDirectory("portcullis-tls");
            ca = TestCertificates.ca("Portcullis Test CA");
            TestCertificates.Issued leaf = ca.issue(TestCertificates.KeyType.EC, "localhost", "gateway.test");
            chain = leaf.writeChain(dir, "server.crt");
            key = leaf.writeKey(dir, "server.key", TestCertificates.KeyFormat.PKCS8);
            caPem = ca.writeCaPem(dir.resolve("ca.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized TestTls shared() {
        if (shared == null) {
            shared = new TestTls();
        }
        return shared;
    }

    /** A JDK SSLContext that trusts only the test CA. */
    public SSLContext clientContext() {
        return clientContextTrusting(ca.certificate());
    }

    public static SSLContext clientContextTrusting(X509Certificate caCert) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", caCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK HttpClient trusting the test CA, preferring {@code version}. */
    public HttpClient httpClient(HttpClient.Version version) {
        return HttpClient.newBuilder()
                .sslContext(clientContext())
                .version(version)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }
}
