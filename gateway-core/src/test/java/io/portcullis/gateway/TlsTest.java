package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS termination: versions and suites, SNI, and certificate reload, through real handshakes. */
class TlsTest {
    static TestUpstream upstream;
    static EventLoopGroup clientGroup;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        upstream.close();
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Gateway gateway(TlsConfig tls) {
        Gateway gw = Gateway.builder()
                .listener(ListenerConfig.https(0, tls).named("https").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        gw.start();
        return gw;
    }

    /** Handshakes with BoringSSL as a client offering exactly these protocols and suites. */
    /** Handshakes with BoringSSL as the client; returns the negotiated protocol. */
    private static String handshake(int port, List<String> protocols, List<String> ciphers) throws Exception {
        SslContext ctx = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(TestTls.shared().ca.certificate())
                .protocols(protocols).ciphers(ciphers).build();
        // held here, not looked up later: a refused handshake may close the channel (and empty its
        // pipeline) before connect() returns
        java.util.concurrent.atomic.AtomicReference<SslHandler> handler = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Channel ch = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            SslHandler h = ctx.newHandler(c.alloc(), "localhost", port);
                            handler.set(h);
                            c.pipeline().addLast(h);
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            SslHandler h = handler.get();
            try {
                h.handshakeFuture().await(5, TimeUnit.SECONDS);
                if (!h.handshakeFuture().isSuccess()) {
                    throw new javax.net.ssl.SSLException("handshake failed", h.handshakeFuture().cause());
                }
                return h.engine().getSession().getProtocol();
            } finally {
                ch.close().sync();
            }
        } finally {
            io.netty.util.ReferenceCountUtil.release(ctx);
        }
    }

    @Test
    void boringSsl_isUsedWhenAvailable() {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative BoringSSL loads on this platform").isTrue();
    }

    @Test
    void tls13AndTls12WithAead_areAccepted() throws Exception {
        TestTls tls = TestTls.shared();
        try (Gateway gw = gateway(TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))) {
            int port = gw.address("https").getPort();
            assertThat(handshake(port, List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256")))
                    .isEqualTo("TLSv1.3");
            String h12 = handshake(port, List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
            assertThat(h12).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void oldProtocolsAndNonAeadSuites_areRefused() throws Exception {
        TestTls tls = TestTls.shared();
        try (Gateway gw = gateway(TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))) {
            int port = gw.address("https").getPort();
            assertThatThrownBy(() -> handshake(port, List.of("TLSv1.1"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
            assertThatThrownBy(() -> handshake(port, List.of("TLSv1"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
            assertThatThrownBy(() -> handshake(port, List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void configRejectsOldProtocolsAndWeakSuites() {
        TestTls tls = TestTls.shared();
        CertificateConfig cert = CertificateConfig.of(tls.chain, tls.key);
        assertThatThrownBy(() -> TlsConfig.builder().certificate(cert).protocols(List.of("TLSv1.1")).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("protocols[0]");
        assertThatThrownBy(() -> TlsConfig.builder().certificate(cert).cipherSuites(List.of("TLS_RSA_WITH_AES_128_CBC_SHA")).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("cipherSuites[0]");
    }

    private static X509Certificate serverCertificate(int port, String sni) throws Exception {
        SSLSocket s = (SSLSocket) TestTls.shared().clientContext().getSocketFactory().createSocket("127.0.0.1", port);
        try (s) {
            SSLParameters p = s.getSSLParameters();
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void sni_picksExactThenWildcardThenDefault(@TempDir Path dir) throws Exception {
        TestCertificates.Authority ca = TestTls.shared().ca;
        var def = ca.issue(TestCertificates.KeyType.EC, "default.test");
        var exact = ca.issue(TestCertificates.KeyType.EC, "api.example.test");
        var wild = ca.issue(TestCertificates.KeyType.RSA, "*.example.test");
        TlsConfig tls = TlsConfig.builder()
                .certificate(CertificateConfig.of(def.writeChain(dir, "d.crt"), def.writeKey(dir, "d.key", TestCertificates.KeyFormat.SEC1)))
                .certificate(CertificateConfig.of(exact.writeChain(dir, "e.crt"), exact.writeKey(dir, "e.key", TestCertificates.KeyFormat.PKCS8)))
                .certificate(CertificateConfig.of(wild.writeChain(dir, "w.crt"), wild.writeKey(dir, "w.key", TestCertificates.KeyFormat.PKCS1)))
                .build();
        try (Gateway gw = gateway(tls)) {
            int port = gw.address("https").getPort();
            assertThat(serverCertificate(port, "api.example.test").getSerialNumber()).isEqualTo(exact.certificate().getSerialNumber());
            assertThat(serverCertificate(port, "www.example.test").getSerialNumber()).isEqualTo(wild.certificate().getSerialNumber());
            assertThat(serverCertificate(port, "other.test").getSerialNumber()).isEqualTo(def.certificate().getSerialNumber());
            assertThat(serverCertificate(port, null).getSerialNumber()).isEqualTo(def.certificate().getSerialNumber());
        }
    }

    @Test
    void certificateReplaced_newConnectionsSeeIt_openConnectionsKeepWorking(@TempDir Path dir) throws Exception {
        TestCertificates.Authority ca = TestTls.shared().ca;
        var first = ca.issue(TestCertificates.KeyType.EC, "localhost");
        Path chain = first.writeChain(dir, "server.crt");
        Path key = first.writeKey(dir, "server.key", TestCertificates.KeyFormat.PKCS8);
        TlsConfig tls = TlsConfig.builder().certificate(CertificateConfig.of(chain, key))
                .reloadInterval(Duration.ofMillis(100)).build();
        try (Gateway gw = gateway(tls)) {
            int port = gw.address("https").getPort();
            SSLSocket open = (SSLSocket) TestTls.shared().clientContext().getSocketFactory().createSocket("127.0.0.1", port);
            try (RawHttp raw = new RawHttp(open)) {
                assertThat(raw.send("GET /echo/1 HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse().status()).isEqualTo(200);
                assertThat(((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber())
                        .isEqualTo(first.certificate().getSerialNumber());

                var second = ca.issue(TestCertificates.KeyType.EC, "localhost");
                // replace both files atomically, the way a deploy tool or certbot would
                Path tmpChain = second.writeChain(dir, "server.crt.new");
                Path tmpKey = second.writeKey(dir, "server.key.new", TestCertificates.KeyFormat.PKCS8);
                Files.move(tmpKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmpChain, chain, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                X509Certificate seen = serverCertificate(port, "localhost");
                while (!seen.getSerialNumber().equals(second.certificate().getSerialNumber()) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    seen = serverCertificate(port, "localhost");
                }
                assertThat(seen.getSerialNumber()).isEqualTo(second.certificate().getSerialNumber());
                // the connection opened before the swap still completes requests
                assertThat(raw.send("GET /echo/2 HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void badCertificateFiles_failAtBuildWithFieldPath(@TempDir Path dir) throws Exception {
        Path chain = dir.resolve("missing.crt");
        Path key = dir.resolve("missing.key");
        assertThatThrownBy(() -> Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(chain, key))))
                .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listeners[0].tls.certificates[0].");
    }
}
