package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https upstreams with verification, TLS handshake bounds, and curl as a third-party HTTP/2 client. */
class UpstreamTlsAndClientsTest {

    @Test
    void httpsUpstream_isVerifiedAgainstTheConfiguredCa(@TempDir Path dir) throws Exception {
        TestTls tls = TestTls.shared();
        var upstreamCert = tls.ca.issue(TestCertificates.KeyType.EC, "localhost");
        SslContext upstreamTls = SslContextBuilder.forServer(upstreamCert.key(), upstreamCert.certificate()).build();
        try (TestUpstream up = TestUpstream.startTls(upstreamTls);
             Gateway gw = Gateway.builder()
                     .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/trusted").to(UpstreamConfig.of("https://localhost:" + up.port())
                             .withTrustedCertificates(tls.caPem)).build())
                     .route(RouteConfig.prefix("/default-trust").to("https://localhost:" + up.port()).build())
                     .route(RouteConfig.prefix("/wrong-name").to(UpstreamConfig.of("https://127.0.0.1:" + up.port())
                             .withTrustedCertificates(tls.caPem)).build())
                     .build()) {
            gw.start();
            int port = gw.address("http").getPort();
            try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                RawHttp.Result ok = raw.send("GET /trusted/echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.body()).contains("uri=/trusted/echo");
            }
            try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                // a private CA is not in the JDK's trust store
                RawHttp.Result r = raw.send("GET /default-trust HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
                assertThat(r.status()).isEqualTo(502);
                assertThat(r.body()).contains("TLS handshake with the upstream failed");
            }
            try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                // the certificate names localhost, not 127.0.0.1
                assertThat(raw.send("GET /wrong-name HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(502);
            }
        }
    }

    @Test
    void silentTlsClient_isDisconnectedAfterTheHandshakeTimeout() throws Exception {
        TestTls tls = TestTls.shared();
        try (Gateway gw = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("https").bind("127.0.0.1"))
                .timeouts(Timeouts.builder().tlsHandshake(Duration.ofMillis(500)).build())
                .build()) {
            gw.start();
            try (Socket s = new Socket("127.0.0.1", gw.address("https").getPort())) {
                s.setSoTimeout(5000);
                long start = System.nanoTime();
                s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a ClientHello that never completes
                int read = s.getInputStream().read();
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(read).isEqualTo(-1);
                assertThat(elapsedMs).isBetween(400L, 3000L);
            }
        }
    }

    @Test
    void curl_http2OverTls() throws Exception {
        TestTls tls = TestTls.shared();
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder()
                     .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("https").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build())
                     .build()) {
            gw.start();
            int port = gw.address("https").getPort();
            Process p = new ProcessBuilder(List.of("curl", "-sS", "--http2", "--cacert", tls.caPem.toString(),
                    "--resolve", "localhost:" + port + ":127.0.0.1", "-w", "\\nversion=%{http_version} status=%{http_code}",
                    "https://localhost:" + port + "/echo/curl"))
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).contains("uri=/echo/curl").contains("version=2 status=200");
        }
    }
}
