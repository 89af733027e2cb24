package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** close() stops accepting, lets in-flight requests finish, then stops. */
class GracefulShutdownTest {

    @Test
    void inFlightRequests_finishDuringDrain() throws Exception {
        TestTls tls = TestTls.shared();
        try (TestUpstream upstream = TestUpstream.start()) {
            Gateway gw = Gateway.builder()
                    .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("https").bind("127.0.0.1"))
                    .route(RouteConfig.prefix("/").to(upstream.url()).build())
                    .timeouts(Timeouts.builder().drain(Duration.ofSeconds(10)).build())
                    .build();
            gw.start();
            int port = gw.address("https").getPort();
            // JDK 17's HttpClient fails every open stream on any GOAWAY (fixed in later JDKs), so the
            // HTTP/2 side uses Netty's client, which keeps streams the GOAWAY covers.
            NettyH2Client h2 = new NettyH2Client("127.0.0.1", port, true);
            HttpClient h1 = tls.httpClient(HttpClient.Version.HTTP_1_1);
            URI slow = URI.create("https://localhost:" + port + "/slow?ms=1500");
            CompletableFuture<NettyH2Client.Response> viaH2 = CompletableFuture.supplyAsync(() -> {
                try {
                    return h2.send(NettyH2Client.headers("GET", "localhost", "/slow?ms=1500"), null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<HttpResponse<String>> viaH1 = h1.sendAsync(HttpRequest.newBuilder(slow).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (upstream.requests().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10); // until both requests are at the upstream (a loaded machine may take a while)
            }
            assertThat(upstream.requests()).hasSize(2);

            long start = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
            Thread.sleep(200);
            // the listener no longer accepts
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

            assertThat(viaH2.get().status()).isEqualTo(200);
            assertThat(viaH2.get().body()).isEqualTo("slow done");
            h2.close();
            assertThat(viaH1.get().statusCode()).isEqualTo(200);
            assertThat(viaH1.get().headers().firstValue("connection")).hasValue("close");
            closing.get();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(gw.isRunning()).isFalse();
        }
    }
}
