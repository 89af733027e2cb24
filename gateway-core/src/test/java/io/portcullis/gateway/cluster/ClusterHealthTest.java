package io.portcullis.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ActiveHealthCheck;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.gateway.RetryPolicy;
import io.portcullis.testing.IdentityBackend;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Passive ejection, active health checks and the no-healthy-endpoint answer, against real backends. */
class ClusterHealthTest extends ClusterTestBase {
    /** Polls a condition the gateway reaches on its own clock (a health verdict), up to a deadline. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not reached in 5 s").isNegative();
            Thread.sleep(10);
        }
    }

    @Test
    void killedEndpoint_isEjected_getsContinueWithoutFailure_andItComesBack() throws Exception {
        IdentityBackend a = backend("a");
        IdentityBackend b = backend("b");
        IdentityBackend c = backend("c");
        fx = new ClusterFixture(ClusterConfig.builder("web")
                .endpoint(a.url()).endpoint(b.url()).endpoint(c.url())
                .passiveHealth(new PassiveHealth(1, Duration.ofMillis(200), Duration.ofSeconds(1), 50))
                .build());
        for (int i = 0; i < 30; i++) {
            assertThat(fx.get("/who").statusCode()).isEqualTo(200);
        }
        assertThat(c.requests()).isEqualTo(10);

        c.stop();
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> res = fx.get("/who");
            assertThat(res.statusCode()).as("request %d after the kill", i).isEqualTo(200);
            served.add(res.body());
        }
        assertThat(served).doesNotContain("c").contains("a", "b");
        assertThat(fx.counter("portcullis.cluster.ejections", "cluster", "web", "endpoint", "http://127.0.0.1:" + c.port()))
                .isGreaterThanOrEqualTo(1);
        assertThat(fx.counter("portcullis.cluster.retries", "cluster", "web", "result", "sent")).isGreaterThanOrEqualTo(1);

        c.restart();
        int before = c.requests();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (c.requests() == before && System.nanoTime() - deadline < 0) {
            assertThat(fx.get("/who").statusCode()).isEqualTo(200);
        }
        assertThat(c.requests()).as("c is back in rotation after its cool-off").isGreaterThan(before);
    }

    @Test
    void activeHealthCheck_takesAnEndpointOutAndBringsItBack() throws Exception {
        IdentityBackend a = backend("a");
        IdentityBackend b = backend("b");
        fx = new ClusterFixture(ClusterConfig.builder("checked")
                .endpoint(a.url()).endpoint(b.url())
                .activeHealth(ActiveHealthCheck.of("/health").withInterval(Duration.ofMillis(50))
                        .withTimeout(Duration.ofSeconds(1)).withThresholds(2, 2).withExpectedStatus(200, 299))
                .build());
        String gaugeA = "http://127.0.0.1:" + a.port();
        await(() -> a.healthProbes() >= 2 && b.healthProbes() >= 2);
        assertThat(fx.gauge("portcullis.cluster.endpoint.healthy", "cluster", "checked", "endpoint", gaugeA)).isEqualTo(1.0);

        a.healthStatus(503);
        await(() -> fx.gauge("portcullis.cluster.endpoint.healthy", "cluster", "checked", "endpoint", gaugeA) == 0.0);
        int before = a.requests();
        for (int i = 0; i < 20; i++) {
            assertThat(fx.get("/who").body()).isEqualTo("b");
        }
        assertThat(a.requests()).isEqualTo(before);

        a.healthStatus(200);
        await(() -> fx.gauge("portcullis.cluster.endpoint.healthy", "cluster", "checked", "endpoint", gaugeA) == 1.0);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            served.add(fx.get("/who").body());
        }
        assertThat(served).contains("a", "b");
    }

    @Test
    void noHealthyEndpoint_is503ProblemNamingTheCluster_withRetryAfterUntilTheFirstReturns() throws Exception {
        fx = new ClusterFixture(ClusterConfig.builder("down")
                .endpoint("http://127.0.0.1:" + ClusterFixture.closedPort())
                .endpoint("http://127.0.0.1:" + ClusterFixture.closedPort())
                .passiveHealth(new PassiveHealth(1, Duration.ofSeconds(30), Duration.ofSeconds(30), 100))
                .retries(new RetryPolicy(1, 20, 3))
                .build());
        HttpResponse<String> first = fx.get("/who");
        assertThat(first.statusCode()).isEqualTo(502); // both tried (one retry), both refused: both ejected
        HttpResponse<String> res = fx.get("/who");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(res.body()).contains("\"status\":503").contains("no healthy endpoint in cluster 'down'")
                .contains("\"requestId\"");
        // both are out for 30 s from the first request: come back when the first one returns
        long retryAfter = Long.parseLong(res.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(25L, 30L);
    }
}
