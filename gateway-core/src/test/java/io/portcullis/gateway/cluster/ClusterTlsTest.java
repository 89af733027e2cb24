package io.portcullis.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.portcullis.gateway.ActiveHealthCheck;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cluster of https endpoints: the cluster's CA bundle and preserveHost apply, health checks speak TLS too. */
class ClusterTlsTest {

    private static boolean probed(TestUpstream up) {
        for (HttpRequest r : up.requests()) {
            if (r.uri().equals("/status/204") && "portcullis-health-check".equals(r.headers().get("user-agent"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void httpsEndpoints_verifiedAgainstTheClustersCa_withHealthChecksOverTls() throws Exception {
        TestTls tls = TestTls.shared();
        var cert = tls.ca.issue(TestCertificates.KeyType.EC, "localhost");
        SslContext serverTls = SslContextBuilder.forServer(cert.key(), cert.certificate()).build();
        try (TestUpstream one = TestUpstream.startTls(serverTls); TestUpstream two = TestUpstream.startTls(serverTls)) {
            try (ClusterFixture fx = new ClusterFixture(ClusterConfig.builder("secure")
                    .endpoint("https://localhost:" + one.port()).endpoint("https://localhost:" + two.port())
                    .trustedCertificates(tls.caPem).preserveHost(false)
                    .activeHealth(ActiveHealthCheck.of("/status/204").withInterval(Duration.ofMillis(50)))
                    .build())) {
                for (int i = 0; i < 4; i++) {
                    HttpResponse<String> res = fx.get("/echo");
                    assertThat(res.statusCode()).isEqualTo(200);
                    assertThat(res.body()).contains("host: localhost:"); // the endpoint's authority, not the client's
                }
                assertThat(one.requests()).anyMatch(r -> r.uri().equals("/echo"));
                assertThat(two.requests()).anyMatch(r -> r.uri().equals("/echo"));
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!(probed(one) && probed(two)) && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                assertThat(probed(one) && probed(two)).as("both endpoints probed over TLS").isTrue();
                assertThat(fx.gauge("portcullis.cluster.endpoint.healthy", "cluster", "secure",
                        "endpoint", "https://localhost:" + one.port())).isEqualTo(1.0);
            }

            // without the CA bundle neither endpoint verifies: both tried, then a clear 502
            try (ClusterFixture fx = new ClusterFixture(ClusterConfig.builder("untrusted")
                    .endpoint("https://localhost:" + one.port()).endpoint("https://localhost:" + two.port())
                    .passiveHealth(PassiveHealth.off()).build())) {
                HttpResponse<String> res = fx.get("/echo");
                assertThat(res.statusCode()).isEqualTo(502);
                assertThat(res.body()).contains("TLS handshake with the upstream failed");
                assertThat(fx.counter("portcullis.cluster.retries", "cluster", "untrusted", "result", "sent")).isEqualTo(1.0);
            }
        }
    }
}
