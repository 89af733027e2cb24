package io.portcullis.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.spring.PortcullisAutoConfiguration;
import io.portcullis.spring.PortcullisGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The health indicator reports the Redis of {@code backend: redis} rate limits: UP with the real
 * Redis on 127.0.0.1:6379 connected, DOWN (with the address, no password) when nothing answers.
 */
class RedisBackendHealthTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class, PortcullisActuatorAutoConfiguration.class));

    private static String[] redisLimit(String redisUri) {
        return new String[] {
                "portcullis.listeners[0].name=http",
                "portcullis.listeners[0].host=127.0.0.1",
                "portcullis.listeners[0].port=0",
                "portcullis.listeners[0].mode=HTTP",
                "portcullis.routes[0].path=/",
                "portcullis.routes[0].upstream.url=http://127.0.0.1:9",
                "portcullis.routes[0].policies[0].type=rate-limit",
                "portcullis.routes[0].policies[0].settings.backend=redis",
                "portcullis.routes[0].policies[0].settings.redis=" + redisUri,
                "portcullis.routes[0].policies[0].settings.name=health-" + UUID.randomUUID(),
                "portcullis.routes[0].policies[0].settings.requests=10",
                "portcullis.routes[0].policies[0].settings.per=1m",
        };
    }

    @Test
    void connectedRedisIsUp() {
        assumeTrue(reachable(6379), "Redis is not running on 127.0.0.1:6379 (start redis-server; CI does)");
        runner.withPropertyValues(redisLimit("redis://127.0.0.1:6379")).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            PortcullisHealthIndicator indicator = ctx.getBean(PortcullisHealthIndicator.class);
            // the connection opens in the background right after the gateway is built
            Health health = awaitStatus(indicator, Status.UP);
            assertThat(health.getDetails().get("redis")).isEqualTo(Map.of("redis://127.0.0.1:6379", "UP"));
            ctx.getBean(PortcullisGateway.class).stop();
            Health stopped = indicator.health(true);
            assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stopped.getDetails()).doesNotContainKey("redis"); // closed with the gateway
        });
    }

    @Test
    void unreachableRedisIsDownWithoutItsPassword() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        runner.withPropertyValues(redisLimit("redis://:s3cret@127.0.0.1:" + closed)).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Health health = ctx.getBean(PortcullisHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("redis")).isEqualTo(Map.of("redis://127.0.0.1:" + closed, "DOWN"));
            assertThat(health.getDetails().get("listeners").toString()).contains("127.0.0.1:"); // the listener is fine
            assertThat(health.toString()).doesNotContain("s3cret");
        });
    }

    @Test
    void withoutRedisLimitsThereIsNoRedisEntry() {
        String[] local = java.util.Arrays.stream(redisLimit("unused"))
                .filter(p -> !p.contains(".settings.redis") && !p.contains(".settings.backend")).toArray(String[]::new);
        runner.withPropertyValues(local).run(ctx -> {
                    Health health = ctx.getBean(PortcullisHealthIndicator.class).health(true);
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).doesNotContainKey("redis");
                });
    }

    /** Polls the indicator (bounded): the connection is made asynchronously and has no hook to wait on. */
    private static Health awaitStatus(PortcullisHealthIndicator indicator, Status status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Health h = indicator.health(true);
        while (!h.getStatus().equals(status) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            h = indicator.health(true);
        }
        assertThat(h.getStatus()).as("health %s", h).isEqualTo(status);
        return h;
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
