package io.portcullis.gateway.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.gateway.RetryPolicy;
import io.portcullis.gateway.observe.GatewayMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Ejection lengths, the ejection cap and the retry budget, on a cluster's shared state. */
class PassiveEjectionTest {
    private static final long MS = 1_000_000L;

    private static Cluster cluster(int endpoints, PassiveHealth ph, RetryPolicy retries) {
        ClusterConfig.Builder b = ClusterConfig.builder("c").passiveHealth(ph).retries(retries);
        for (int i = 0; i < endpoints; i++) {
            b.endpoint("http://10.0.0." + (i + 1) + ":80");
        }
        return new Cluster(b.build(), 1, new GatewayMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void ejectionGrowsOnRepeat_upToTheMax() {
        Cluster c = cluster(2, new PassiveHealth(2, Duration.ofMillis(100), Duration.ofMillis(300), 50), RetryPolicy.defaults());
        Endpoint e = c.endpoints()[0];
        long t0 = System.nanoTime();
        e.failed();
        assertThat(e.available(t0)).as("one failure of two").isTrue();
        e.failed();
        assertThat(e.available(System.nanoTime() + 50 * MS)).isFalse();
        long back = System.nanoTime() + 101 * MS;
        assertThat(e.available(back)).isTrue();

        e.failed();
        e.failed(); // second ejection: 200 ms
        long t1 = System.nanoTime();
        assertThat(e.available(t1 + 150 * MS)).isFalse();
        assertThat(e.available(t1 + 201 * MS)).isTrue();

        e.failed();
        e.failed(); // third: 400 ms capped at 300 ms
        long t2 = System.nanoTime();
        assertThat(e.available(t2 + 290 * MS)).isFalse();
        assertThat(e.available(t2 + 301 * MS)).isTrue();
    }

    @Test
    void maxEjectionPercent_keepsSomeEndpointsInRotation() {
        Cluster c = cluster(4, new PassiveHealth(1, Duration.ofSeconds(10), Duration.ofSeconds(10), 50), RetryPolicy.defaults());
        for (Endpoint e : c.endpoints()) {
            e.failed();
        }
        long now = System.nanoTime();
        int available = 0;
        for (Endpoint e : c.endpoints()) {
            available += e.available(now) ? 1 : 0;
        }
        assertThat(available).isEqualTo(2);

        Cluster single = cluster(1, PassiveHealth.defaults(), RetryPolicy.defaults());
        for (int i = 0; i < 10; i++) {
            single.endpoints()[0].failed();
        }
        assertThat(single.endpoints()[0].available(System.nanoTime())).as("50 % of one endpoint is none").isTrue();
    }

    @Test
    void successResetsTheFailureCount() {
        Cluster c = cluster(2, new PassiveHealth(3, Duration.ofSeconds(10), Duration.ofSeconds(10), 50), RetryPolicy.defaults());
        Endpoint e = c.endpoints()[0];
        e.failed();
        e.failed();
        e.responded(200);
        e.failed();
        e.failed();
        assertThat(e.available(System.nanoTime())).isTrue();
        e.responded(503);
        assertThat(e.available(System.nanoTime())).as("a 5xx is the third failure in a row").isFalse();
    }

    @Test
    void retryBudget_isAShareOfRequestsPlusAFloor() {
        Cluster c = cluster(2, PassiveHealth.off(), new RetryPolicy(1, 20, 0));
        for (int i = 0; i < 50; i++) {
            c.requestStarted();
        }
        int granted = 0;
        for (int i = 0; i < 50; i++) {
            granted += c.tryRetry() ? 1 : 0;
        }
        assertThat(granted).isEqualTo(10);

        Cluster floor = cluster(2, PassiveHealth.off(), new RetryPolicy(1, 0, 2));
        int free = 0;
        for (int i = 0; i < 50; i++) {
            free += floor.tryRetry() ? 1 : 0;
        }
        assertThat(free).as("2 per second over the 10 s window").isEqualTo(20);
    }
}
