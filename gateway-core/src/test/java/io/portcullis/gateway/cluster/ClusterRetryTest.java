package io.portcullis.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.gateway.PoolLimits;
import io.portcullis.gateway.RetryPolicy;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.IdentityBackend;
import io.portcullis.testing.TestUpstream;
import java.time.Duration;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Retries (what is retried, the budget) and pool limits, against real backends. */
class ClusterRetryTest extends ClusterTestBase {
    @Test
    void retryBudget_capsRetriesDuringATotalOutage() throws Exception {
        fx = new ClusterFixture(ClusterConfig.builder("outage")
                .endpoint("http://127.0.0.1:" + ClusterFixture.closedPort())
                .endpoint("http://127.0.0.1:" + ClusterFixture.closedPort())
                .passiveHealth(PassiveHealth.off())
                .retries(new RetryPolicy(1, 20, 1))
                .build());
        for (int i = 0; i < 100; i++) {
            assertThat(fx.get("/who").statusCode()).isEqualTo(502);
        }
        double sent = fx.counter("portcullis.cluster.retries", "cluster", "outage", "result", "sent");
        double denied = fx.counter("portcullis.cluster.retries", "cluster", "outage", "result", "budget-exhausted");
        // without a budget every request would be retried once (100); the budget allows 20 % + 1/s over 10 s
        assertThat(sent).isBetween(10.0, 31.0);
        assertThat(sent + denied).isEqualTo(100.0);
    }

    @Test
    void postIsNotRetriedAfterItsBodyWasSent_butAGetIs() throws Exception {
        IdentityBackend a = backend("a");
        IdentityBackend b = backend("b");
        fx = new ClusterFixture(ClusterConfig.builder("drops").endpoint(a.url()).endpoint(b.url())
                .passiveHealth(PassiveHealth.off()).build());
        HttpResponse<String> post = fx.post("/drop", "charge the card once");
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(a.drops() + b.drops()).as("the POST reached one endpoint only").isEqualTo(1);

        HttpResponse<String> get = fx.get("/drop");
        assertThat(get.statusCode()).isEqualTo(502);
        assertThat(a.drops() + b.drops()).as("the GET was retried on the other endpoint").isEqualTo(3);
        assertThat(a.drops()).isEqualTo(b.drops() + (a.drops() > b.drops() ? 1 : -1));
    }

    @Test
    void maxRequestsPerConnection_closesAConnectionAfterItsQuota() throws Exception {
        try (TestUpstream up = TestUpstream.start()) {
            fx = new ClusterFixture(ClusterConfig.builder("quota").endpoint(up.url())
                    .pool(PoolLimits.defaults().withMaxRequestsPerConnection(2)).build());
            for (int i = 0; i < 6; i++) {
                assertThat(fx.get("/echo").statusCode()).isEqualTo(200);
            }
            assertThat(up.connectionCount()).isEqualTo(3);
            fx.close();
            fx = null;
        }
    }

    @Test
    void aRouteOverridesTheClustersResponseTimeout() throws Exception {
        IdentityBackend a = backend("a").holdRequests();
        fx = new ClusterFixture(ClusterConfig.builder("patient").endpoint(a.url()).responseTimeout(Duration.ofSeconds(30)).build(),
                RouteConfig.prefix("/").id("hasty").toCluster("patient").upstreamResponseTimeout(Duration.ofMillis(300)).build());
        HttpResponse<String> res = fx.get("/hold");
        assertThat(res.statusCode()).isEqualTo(504);
        assertThat(res.body()).contains("the upstream did not respond within 300 ms");
    }

    @Test
    void pendingRequestsBeyondTheLimit_get503WithRetryAfter() throws Exception {
        IdentityBackend a = backend("a").holdRequests();
        fx = new ClusterFixture(ClusterConfig.builder("small").endpoint(a.url())
                .pool(PoolLimits.defaults().withMaxConnectionsPerEndpoint(1).withMaxPendingRequests(1)).build());
        CompletableFuture<HttpResponse<String>> first = fx.getAsync("/hold");
        assertThat(a.awaitHeld(1)).isTrue(); // the only connection is busy
        CompletableFuture<HttpResponse<String>> second = fx.getAsync("/hold");
        CompletableFuture<HttpResponse<String>> third = fx.getAsync("/hold");
        HttpResponse<String> refused = (HttpResponse<String>) CompletableFuture.anyOf(second, third).get();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("cluster 'small'").contains("waiting for a connection");
        assertThat(fx.counter("portcullis.cluster.pending.overflow", "cluster", "small")).isEqualTo(1.0);

        a.release();
        assertThat(first.get().statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> waited = refused == second.getNow(null) ? third : second;
        assertThat(waited.get().statusCode()).as("the waiting request got the connection once it was free").isEqualTo(200);
        assertThat(a.requests()).isEqualTo(2);
    }
}
