package io.portcullis.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP stapling on BoringSSL: a real OCSP responder (signed by the CA), a real client asking for the
 * status in its handshake; no staple (and no failure) without a responder URL or with the responder down.
 */
class OcspStaplingTest {
    @TempDir
    Path dir;
    HttpServer responder;
    final AtomicInteger ocspRequests = new AtomicInteger();
    Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (responder != null) {
            responder.stop(0);
        }
    }

    private String startResponder(TestCertificates.Authority ca) throws Exception {
        responder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        responder.createContext("/ocsp", ex -> {
            ocspRequests.incrementAndGet();
            try {
                OCSPReq req = new OCSPReq(ex.getRequestBody().readAllBytes());
                JcaBasicOCSPRespBuilder b = new JcaBasicOCSPRespBuilder(ca.certificate().getPublicKey(),
                        new JcaDigestCalculatorProviderBuilder().build().get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1));
                Date now = new Date();
                for (Req r : req.getRequestList()) {
                    b.addResponse(r.getCertID(), CertificateStatus.GOOD, now, new Date(now.getTime() + 3_600_000L), null);
                }
                BasicOCSPResp basic = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key()),
                        new X509CertificateHolder[] {new JcaX509CertificateHolder(ca.certificate())}, now);
                byte[] der = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
                ex.getResponseHeaders().set("Content-Type", "application/ocsp-response");
                ex.sendResponseHeaders(200, der.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(der);
                }
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
                ex.close();
            }
        });
        responder.start();
        return "http://127.0.0.1:" + responder.getAddress().getPort() + "/ocsp";
    }

    private int startGateway(Path chain, Path key) {
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(chain, key))).named("tls").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9").build())
                .build();
        gateway.start();
        return gateway.address("tls").getPort();
    }

    /** The OCSP response the server stapled in a fresh handshake, or null. */
    private static byte[] stapled(int port) throws Exception {
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).enableOcsp(true)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(client.newHandler(c.alloc(), "localhost", port));
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            SslHandler h = ch.pipeline().get(SslHandler.class);
            h.handshakeFuture().sync();
            byte[] staple = ((ReferenceCountedOpenSslEngine) h.engine()).getOcspResponse();
            ch.close().sync();
            return staple;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            ReferenceCountUtil.release(client);
        }
    }

    private static byte[] awaitStaple(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        byte[] staple;
        do {
            staple = stapled(port);
            if (staple != null) {
                return staple;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return null;
    }

    @Test
    void aGoodResponseIsStapled() throws Exception {
        TestCertificates.Authority ca = TestCertificates.ca("OCSP Test CA");
        String url = startResponder(ca);
        TestCertificates.Issued leaf = ca.issueWithOcsp(TestCertificates.KeyType.EC, url, "localhost");
        int port = startGateway(leaf.writeChain(dir, "chain.pem"), leaf.writeKey(dir, "key.pem", TestCertificates.KeyFormat.PKCS8));
        byte[] staple = awaitStaple(port);
        assertThat(staple).as("a staple in the handshake").isNotNull();
        OCSPResp resp = new OCSPResp(staple);
        assertThat(resp.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        assertThat(basic.getResponses()[0].getCertID().getSerialNumber()).isEqualTo(leaf.certificate().getSerialNumber());
        assertThat(basic.getResponses()[0].getCertStatus()).isEqualTo(CertificateStatus.GOOD);
        int fetches = ocspRequests.get();
        for (int i = 0; i < 3; i++) {
            assertThat(stapled(port)).isNotNull();
        }
        assertThat(ocspRequests.get()).as("fetched in the background, not per handshake").isEqualTo(fetches);
    }

    @Test
    void noResponderUrlNoStapleAndNoFailure() throws Exception {
        TestTls tls = TestTls.shared();
        int port = startGateway(tls.chain, tls.key);
        assertThat(stapled(port)).isNull();
    }

    @Test
    void aResponderThatIsDownNeverBreaksTheHandshake() throws Exception {
        TestCertificates.Authority ca = TestCertificates.ca("OCSP Test CA");
        String url = startResponder(ca);
        responder.stop(0);
        responder = null;
        TestCertificates.Issued leaf = ca.issueWithOcsp(TestCertificates.KeyType.EC, url, "localhost");
        int port = startGateway(leaf.writeChain(dir, "chain.pem"), leaf.writeKey(dir, "key.pem", TestCertificates.KeyFormat.PKCS8));
        Thread.sleep(300);
        assertThat(stapled(port)).isNull();
    }
}
