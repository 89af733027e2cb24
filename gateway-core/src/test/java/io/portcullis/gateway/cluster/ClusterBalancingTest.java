package io.portcullis.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.testing.IdentityBackend;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Balancing across several real backends on loopback. */
class ClusterBalancingTest extends ClusterTestBase {
    @Test
    void roundRobin_followsWeights() throws Exception {
        IdentityBackend a = backend("a");
        IdentityBackend b = backend("b");
        IdentityBackend c = backend("c");
        fx = new ClusterFixture(ClusterConfig.builder("web")
                .endpoint(a.url(), 1).endpoint(b.url(), 2).endpoint(c.url(), 5).build());
        Map<String, Integer> seen = new HashMap<>();
        List<String> firstEight = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            HttpResponse<String> res = fx.get("/who");
            assertThat(res.statusCode()).isEqualTo(200);
            seen.merge(res.body(), 1, Integer::sum);
            if (i < 8) {
                firstEight.add(res.body());
            }
        }
        assertThat(seen.get("a")).isBetween(90, 110);
        assertThat(seen.get("b")).isBetween(180, 220);
        assertThat(seen.get("c")).isBetween(450, 550);
        // smooth: the heavy endpoint's turns are spread out, not five in a row
        assertThat(String.join("", firstEight)).doesNotContain("ccccc");
        assertThat(fx.counter("portcullis.cluster.requests", "cluster", "web", "endpoint", "http://" + host(c)))
                .isEqualTo(seen.get("c").doubleValue());
    }

    @Test
    void leastRequest_prefersTheIdleEndpoint() throws Exception {
        IdentityBackend slow = backend("slow").holdRequests();
        IdentityBackend fast = backend("fast");
        fx = new ClusterFixture(ClusterConfig.builder("lr").balancing(LoadBalancing.leastRequest())
                .endpoint(slow.url()).endpoint(fast.url()).build());
        // only the slow backend holds /hold; the fast one answers at once. Send until one request is stuck on slow.
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 50 && slow.requests() == 0; i++) {
            CompletableFuture<HttpResponse<String>> f = fx.getAsync("/hold");
            pending.add(f);
            CompletableFuture.anyOf(f, CompletableFuture.runAsync(() -> {
                try {
                    slow.awaitHeld(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).join();
        }
        assertThat(slow.awaitHeld(1)).isTrue();
        int before = fast.requests();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> res = fx.get("/hold"); // the fast backend does not hold
            assertThat(res.body()).isEqualTo("fast");
        }
        assertThat(fast.requests() - before).isEqualTo(30);
        slow.release();
        for (CompletableFuture<HttpResponse<String>> f : pending) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void consistentHash_keepsKeysAndMovesFewWhenAnEndpointLeaves() throws Exception {
        List<IdentityBackend> four = List.of(backend("a"), backend("b"), backend("c"), backend("d"));
        ClusterConfig.Builder cb = ClusterConfig.builder("sticky").balancing(LoadBalancing.hash("header:X-User"));
        four.forEach(b -> cb.endpoint(b.url()));
        ClusterConfig cluster = cb.build();
        fx = new ClusterFixture(cluster);
        Map<String, String> owner = new HashMap<>();
        for (int k = 0; k < 120; k++) {
            String key = "user-" + k;
            String first = fx.get("/who", "X-User", key).body();
            assertThat(fx.get("/who", "X-User", key).body()).as("key %s is sticky", key).isEqualTo(first);
            owner.put(key, first);
        }
        assertThat(owner.values()).contains("a", "b", "c", "d");

        // endpoint d leaves the cluster
        ClusterConfig.Builder three = cluster.toBuilder().clearEndpoints();
        four.subList(0, 3).forEach(b -> three.endpoint(b.url()));
        fx.gateway.reload(fx.withCluster(three.build()));
        int moved = 0;
        for (Map.Entry<String, String> e : owner.entrySet()) {
            String now = fx.get("/who", "X-User", e.getKey()).body();
            if (!e.getValue().equals("d")) {
                assertThat(now).as("key %s was on a remaining endpoint", e.getKey()).isEqualTo(e.getValue());
            } else {
                assertThat(now).isNotEqualTo("d");
                moved++;
            }
        }
        // about a quarter of the keys lived on d and only those moved
        assertThat(moved).isBetween(12, 55);
    }

    private static String host(IdentityBackend b) {
        return "127.0.0.1:" + b.port();
    }
}
