package io.portcullis.gateway.mtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS through real handshakes: a listener that requires client certificates, one that asks
 * for them and lets routes decide with the {@code client-cert} policy, expired and foreign
 * certificates refused, and the verified certificate forwarded as {@code X-Forwarded-Client-Cert}
 * (over HTTP/1.1 and HTTP/2), never a client's own copy.
 */
class MutualTlsTest {
    @TempDir
    static Path dir;
    static TestCertificates.Authority clientCa;
    static TestCertificates.Issued svcA;
    static TestCertificates.Issued svcB;
    static TestCertificates.Issued expired;
    static TestCertificates.Issued foreign;
    static TestUpstream upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        clientCa = TestCertificates.ca("Client CA");
        svcA = clientCa.issue(TestCertificates.KeyType.EC, "svc-a.internal");
        svcB = clientCa.issue(TestCertificates.KeyType.RSA, "svc-b.internal");
        expired = clientCa.issue(TestCertificates.KeyType.EC, Duration.ofMinutes(30), "svc-a.internal");
        foreign = TestCertificates.ca("Somebody Else").issue(TestCertificates.KeyType.EC, "svc-a.internal");
        Path caPem = clientCa.writeCaPem(dir.resolve("client-ca.pem"));
        TestTls tls = TestTls.shared();
        CertificateConfig server = CertificateConfig.of(tls.chain, tls.key);
        upstream = TestUpstream.start();
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.builder().certificate(server)
                        .clientAuth(TlsConfig.ClientAuth.REQUIRE, caPem).build()).named("require").bind("127.0.0.1"))
                .listener(ListenerConfig.https(0, TlsConfig.builder().certificate(server)
                        .clientAuth(TlsConfig.ClientAuth.OPTIONAL, caPem).build()).named("optional").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/secure").to(upstream.url())
                        .policy(PolicySpec.of("client-cert", Map.of("sans", List.of("svc-a.internal")))).build())
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        gateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static HttpClient client(TestCertificates.Issued cert, HttpClient.Version version) throws Exception {
        KeyManagerFactory kmf = null;
        if (cert != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", cert.key(), new char[0], new Certificate[] {cert.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestTls.shared().ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient c, String listener, String path) throws Exception {
        URI uri = URI.create("https://localhost:" + gateway.address(listener).getPort() + path);
        return c.send(HttpRequest.newBuilder(uri).header("X-Forwarded-Client-Cert", "Hash=forged;Subject=\"CN=admin\"").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requiredClientCertificate() throws Exception {
        assertThat(get(client(svcA, HttpClient.Version.HTTP_1_1), "require", "/echo").statusCode()).isEqualTo(200);
        String xfcc = upstream.lastRequest().headers().get("x-forwarded-client-cert");
        assertThat(xfcc).matches("Hash=[0-9a-f]{64};Subject=\"CN=svc-a.internal\";DNS=svc-a.internal");
        assertThat(upstream.lastRequest().headers().getAll("x-forwarded-client-cert")).hasSize(1);

        assertThatThrownBy(() -> get(client(null, HttpClient.Version.HTTP_1_1), "require", "/echo")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(client(expired, HttpClient.Version.HTTP_1_1), "require", "/echo")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(client(foreign, HttpClient.Version.HTTP_1_1), "require", "/echo")).isInstanceOf(IOException.class);
    }

    @Test
    void optionalClientCertificateWithARouteThatRequiresOne() throws Exception {
        HttpClient anonymous = client(null, HttpClient.Version.HTTP_1_1);
        assertThat(get(anonymous, "optional", "/echo").statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().headers().contains("x-forwarded-client-cert")).as("a client's copy is dropped").isFalse();
        assertThat(get(anonymous, "optional", "/secure/x").statusCode()).isEqualTo(403);
        assertThat(get(client(svcA, HttpClient.Version.HTTP_1_1), "optional", "/secure/x").statusCode()).isEqualTo(200);
        assertThat(get(client(svcB, HttpClient.Version.HTTP_1_1), "optional", "/secure/x").statusCode()).isEqualTo(403);
        assertThatThrownBy(() -> get(client(expired, HttpClient.Version.HTTP_1_1), "optional", "/echo"))
                .as("a certificate that is sent must be valid").isInstanceOf(IOException.class);
    }

    @Test
    void overHttp2() throws Exception {
        HttpResponse<String> r = get(client(svcB, HttpClient.Version.HTTP_2), "require", "/echo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(upstream.lastRequest().headers().get("x-forwarded-client-cert")).contains("DNS=svc-b.internal");
    }
}
