package io.portcullis.server.pki;

import static io.portcullis.server.pki.Pki.cert;
import static io.portcullis.server.pki.Pki.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS through a real gateway with certificates made by {@code portcullis pki}: the listener's
 * certificate, client certificates (accepted, another CA's refused, an expired one refused), the
 * gateway's own client certificate towards an upstream that requires one, and a renewal picked up
 * by the running listener.
 */
class PkiMutualTlsTest {
    @TempDir
    static Path tmp;
    static Path pki;
    static TestUpstream plain;
    static TestUpstream secure;
    static SslContext secureContext;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        pki = tmp.resolve("pki");
        String d = pki.toString();
        ok("pki", "init", "--dir", d, "--root-dir", tmp.resolve("offline").toString());
        ok("pki", "issue", "localhost", "--dir", d, "--server", "--san", "IP:127.0.0.1");
        ok("pki", "issue", "svc-a.internal", "--dir", d, "--client");
        ok("pki", "issue", "svc-b.internal", "--dir", d, "--client");
        ok("pki", "issue", "old.internal", "--dir", d, "--client",
                "--not-before", Instant.now().minus(Duration.ofDays(91)).toString(),
                "--not-after", Instant.now().minus(Duration.ofDays(1)).toString());
        ok("pki", "issue", "gateway.internal", "--dir", d, "--client");
        ok("pki", "issue", "gateway-old.internal", "--dir", d, "--client",
                "--not-before", Instant.now().minus(Duration.ofDays(91)).toString(),
                "--not-after", Instant.now().minus(Duration.ofMinutes(5)).toString());
        ok("pki", "issue", "upstream", "--dir", d, "--server", "--san", "DNS:localhost");
        String other = tmp.resolve("other").toString();
        ok("pki", "init", "--dir", other, "--name", "Somebody Else");
        ok("pki", "issue", "svc-a.internal", "--dir", other, "--client");

        plain = TestUpstream.start();
        // the upstream trusts only the root: the gateway has to present its chain (NAME.chain.pem)
        secureContext = SslContextBuilder.forServer(chain("upstream").toFile(), key("upstream").toFile())
                .trustManager(pki.resolve("root.crt").toFile()).clientAuth(ClientAuth.REQUIRE).build();
        secure = TestUpstream.startTls(secureContext);
        UpstreamConfig tlsUpstream = UpstreamConfig.of("https://localhost:" + secure.port())
                .withTrustedCertificates(pki.resolve("ca.pem"));
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.builder()
                                .certificate(CertificateConfig.of(chain("localhost"), key("localhost")))
                                .clientAuth(TlsConfig.ClientAuth.REQUIRE, pki.resolve("ca.pem"))
                                .reloadInterval(Duration.ofMillis(100)).build())
                        .named("mtls").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/upstream-mtls").to(tlsUpstream.withClientCertificate(
                        CertificateConfig.of(chain("gateway.internal"), key("gateway.internal")))).build())
                .route(RouteConfig.prefix("/upstream-anonymous").to(tlsUpstream).build())
                .route(RouteConfig.prefix("/upstream-renewed").to(tlsUpstream.withClientCertificate(
                        CertificateConfig.of(chain("gateway-old.internal"), key("gateway-old.internal")))).build())
                .route(RouteConfig.prefix("/only-a").to(plain.url())
                        .policy(PolicySpec.of("client-cert", Map.of("sans", List.of("svc-a.internal")))).build())
                .route(RouteConfig.prefix("/").to(plain.url()).build())
                .build();
        gateway.start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (secure != null) {
            secure.close();
        }
        if (plain != null) {
            plain.close();
        }
        ReferenceCountUtil.release(secureContext);
    }

    private static Path chain(String name) {
        return pki.resolve("certs").resolve(name + ".chain.pem");
    }

    private static Path key(String name) {
        return pki.resolve("certs").resolve(name + ".key");
    }

    /** A client presenting the CLI-issued certificate {@code name} (from {@code dir}), trusting the PKI's root. */
    private static HttpClient client(Path dir, String name) throws Exception {
        SSLContext ctx = name == null ? Pki.tls(null, null, pki.resolve("root.crt"))
                : Pki.tls(dir.resolve("certs").resolve(name + ".chain.pem"), dir.resolve("certs").resolve(name + ".key"),
                pki.resolve("root.crt"));
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static int get(HttpClient c, String path) throws Exception {
        URI uri = URI.create("https://localhost:" + gateway.address("mtls").getPort() + path);
        return c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aClientCertificateFromTheCli_isAccepted_andForwarded() throws Exception {
        assertThat(get(client(pki, "svc-a.internal"), "/echo")).isEqualTo(200);
        assertThat(plain.lastRequest().headers().get("x-forwarded-client-cert"))
                .matches("Hash=[0-9a-f]{64};Subject=\"CN=svc-a.internal\";DNS=svc-a.internal");
        assertThat(get(client(pki, "svc-a.internal"), "/only-a/x")).isEqualTo(200);
        assertThat(get(client(pki, "svc-b.internal"), "/only-a/x")).as("the client-cert policy checks the SAN").isEqualTo(403);
    }

    @Test
    void anotherCasCertificate_anExpiredOne_andNone_areRefusedInTheHandshake() throws Exception {
        HttpClient foreign = client(tmp.resolve("other"), "svc-a.internal");
        assertThatThrownBy(() -> get(foreign, "/echo")).isInstanceOf(IOException.class);
        HttpClient expired = client(pki, "old.internal");
        assertThat(cert(pki.resolve("certs/old.internal.crt")).getNotAfter().toInstant()).isBefore(Instant.now());
        assertThatThrownBy(() -> get(expired, "/echo")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(client(null, null), "/echo")).isInstanceOf(IOException.class);
    }

    @Test
    void theGatewayPresentsItsCliIssuedCertificateToAnUpstreamThatRequiresOne() throws Exception {
        HttpClient a = client(pki, "svc-a.internal");
        assertThat(get(a, "/upstream-mtls/echo")).isEqualTo(200);
        assertThat(secure.lastRequest().uri()).isEqualTo("/upstream-mtls/echo");
        assertThat(get(a, "/upstream-anonymous/echo")).as("without it the upstream refuses the handshake").isEqualTo(502);
    }

    @Test
    void anExpiredUpstreamClientCertificate_renewedByTheCli_isUsedAfterAReload() throws Exception {
        HttpClient a = client(pki, "svc-a.internal");
        assertThat(get(a, "/upstream-renewed/echo")).as("the upstream refuses an expired certificate").isEqualTo(502);
        ok("pki", "renew", "--dir", pki.toString(), "gateway-old.internal");
        assertThat(get(a, "/upstream-renewed/echo")).as("read at configuration time, not watched").isEqualTo(502);
        gateway.reload(gateway.config()); // what SIGHUP (systemctl reload) does in the server
        assertThat(get(a, "/upstream-renewed/echo")).isEqualTo(200);
    }

    @Test
    void aRenewedListenerCertificate_isServedWithoutARestart() throws Exception {
        BigInteger before = cert(pki.resolve("certs/localhost.crt")).getSerialNumber();
        assertThat(served().getSerialNumber()).isEqualTo(before);
        ok("pki", "renew", "--dir", pki.toString(), "localhost", "--force");
        BigInteger after = cert(pki.resolve("certs/localhost.crt")).getSerialNumber();
        assertThat(after).isNotEqualTo(before);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        BigInteger seen = served().getSerialNumber();
        while (!seen.equals(after) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the listener polls its files every 100 ms
            seen = served().getSerialNumber();
        }
        assertThat(seen).isEqualTo(after);
    }

    private static X509Certificate served() throws Exception {
        SSLContext ctx = Pki.tls(chain("svc-a.internal"), key("svc-a.internal"), pki.resolve("root.crt"));
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", gateway.address("mtls").getPort())) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
