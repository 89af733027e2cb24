package io.portcullis.gateway.mtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway presents a client certificate to an upstream that requires one (mutual TLS to the upstream). */
class UpstreamMutualTlsTest {
    @TempDir
    Path dir;

    @Test
    void anUpstreamThatRequiresAClientCertificate() throws Exception {
        TestTls tls = TestTls.shared();
        TestCertificates.Authority internal = TestCertificates.ca("Internal Services CA");
        TestCertificates.Issued gatewayCert = internal.issue(TestCertificates.KeyType.EC, "gateway.internal");
        SslContext server = SslContextBuilder.forServer(tls.chain.toFile(), tls.key.toFile())
                .trustManager(internal.certificate()).clientAuth(ClientAuth.REQUIRE).build();
        try (TestUpstream up = TestUpstream.startTls(server)) {
            UpstreamConfig base = UpstreamConfig.of("https://localhost:" + up.port()).withTrustedCertificates(tls.caPem);
            CertificateConfig client = CertificateConfig.of(gatewayCert.writeChain(dir, "gw.crt"),
                    gatewayCert.writeKey(dir, "gw.key", TestCertificates.KeyFormat.PKCS8));
            try (Gateway g = Gateway.builder()
                    .listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                    .route(RouteConfig.prefix("/with").to(base.withClientCertificate(client)).build())
                    .route(RouteConfig.prefix("/without").to(base).build())
                    .build()) {
                g.start();
                int port = g.address("h").getPort();
                assertThat(get(port, "/with/echo")).isEqualTo(200);
                assertThat(get(port, "/without/echo")).as("the upstream refuses the handshake").isEqualTo(502);
            }
        } finally {
            ReferenceCountUtil.release(server);
        }
    }

    private static int get(int port, String path) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status();
        }
    }
}
