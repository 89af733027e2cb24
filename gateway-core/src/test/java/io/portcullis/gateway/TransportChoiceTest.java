package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each transport carries the same traffic: TLS with HTTP/1.1 and HTTP/2, a large upload and a large
 * streamed download. (The rest of the suite runs on what {@code auto} picks here.)
 */
class TransportChoiceTest {

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyTransport_proxiesHttp1AndHttp2OverTls_withLargeBodiesBothWays(IoTransport choice) throws Exception {
        assumeAvailable(choice);
        TestTls tls = TestTls.shared();
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().transport(choice)
                     .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))
                             .named("https").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(up.url()).build()).build()) {
            gw.start();
            assertThat(gw.transportName()).isEqualTo(choice.name().toLowerCase());
            String base = "https://localhost:" + gw.address("https").getPort();
            byte[] upload = new byte[3 * 1024 * 1024 + 17];
            new Random(7).nextBytes(upload);
            long sum = 0;
            for (byte b : upload) {
                sum += b & 0xff;
            }
            for (HttpClient.Version v : new HttpClient.Version[] {HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2}) {
                HttpClient client = tls.httpClient(v);
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo/" + i)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(echo.version()).isEqualTo(v);
                    assertThat(echo.statusCode()).isEqualTo(200);
                    assertThat(echo.body()).contains("uri=/echo/" + i);
                }
                HttpResponse<String> up1 = client.send(HttpRequest.newBuilder(URI.create(base + "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(up1.body()).as("%s upload", v).isEqualTo("bytes=" + upload.length + " sum=" + sum);
                HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(URI.create(base + "/download?bytes=5000000"))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(down.statusCode()).isEqualTo(200);
                assertThat(down.body()).as("%s download", v).hasSize(5_000_000);
            }
        }
    }

    /** Skips, visibly, where the kernel lacks the transport (CI fails on any skipped test). */
    static void assumeAvailable(IoTransport t) {
        assumeTrue(available(t), () -> t + " unavailable here: "
                + (t == IoTransport.IO_URING ? IoUring.unavailabilityCause() : Epoll.unavailabilityCause()));
    }

    static boolean available(IoTransport t) {
        return switch (t) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            default -> true;
        };
    }

    @Test
    void auto_picksIoUring_thenEpoll_unlessTheSystemPropertyOverridesIt() {
        String forced = System.getProperty("portcullis.transport"); // set by the suite's epoll pass
        try (Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1")).build()) {
            assertThat(gw.transportName()).isEqualTo(forced != null ? forced.replace('-', '_')
                    : IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio");
        }
        try {
            System.setProperty("portcullis.transport", "nio");
            try (Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1")).build()) {
                assertThat(gw.transportName()).isEqualTo("nio");
            }
            System.setProperty("portcullis.transport", "epoll");
            try (Gateway gw = Gateway.builder().transport(IoTransport.NIO)
                    .listener(ListenerConfig.http(0).named("h").bind("127.0.0.1")).build()) {
                assertThat(gw.transportName()).as("only auto is overridden").isEqualTo("nio");
            }
            System.setProperty("portcullis.transport", "uring");
            assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1")).build())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("transport: auto, overridden by -Dportcullis.transport=uring (expected: io-uring, epoll or nio)");
        } finally {
            if (forced == null) {
                System.clearProperty("portcullis.transport");
            } else {
                System.setProperty("portcullis.transport", forced);
            }
        }
    }

    @Test
    void changingTheTransport_needsARestart() {
        try (Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1")).build()) {
            gw.start();
            GatewayConfig other = Gateway.builder().config(gw.config()).transport(IoTransport.NIO).buildConfig();
            assertThatThrownBy(() -> gw.reload(other)).isInstanceOf(ConfigException.class)
                    .hasMessage("transport: changed (from AUTO to NIO); the event loops need a restart");
        }
    }
}
