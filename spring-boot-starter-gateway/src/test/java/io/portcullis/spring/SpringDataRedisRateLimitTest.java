package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.portcullis.gateway.ratelimit.RateLimitProvider;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Rate limits with {@code backend: redis} and no Redis URI of their own use the application's
 * Spring Data Redis settings: against the real Redis on 127.0.0.1:6379, in a database other than
 * the core's default, so the counters' location proves which settings were used.
 */
class SpringDataRedisRateLimitTest {
    private static final int DATABASE = 7;
    private static TestUpstream upstream;

    private final String name = "spring-data-" + UUID.randomUUID();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, PortcullisAutoConfiguration.class,
                    PortcullisRedisAutoConfiguration.class));

    @BeforeAll
    static void upstream() {
        upstream = TestUpstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @BeforeEach
    void redisIsThere() {
        assumeTrue(reachable(6379), "Redis is not running on 127.0.0.1:6379 (start redis-server; CI does)");
    }

    private String[] gateway(String... extra) {
        String[] base = {
                "portcullis.listeners[0].name=http",
                "portcullis.listeners[0].host=127.0.0.1",
                "portcullis.listeners[0].port=0",
                "portcullis.listeners[0].mode=HTTP",
                "portcullis.routes[0].path=/",
                "portcullis.routes[0].upstream.url=" + upstream.url(),
                "portcullis.routes[0].policies[0].type=rate-limit",
                "portcullis.routes[0].policies[0].settings.requests=2",
                "portcullis.routes[0].policies[0].settings.per=1m",
                "portcullis.routes[0].policies[0].settings.backend=redis",
                "portcullis.routes[0].policies[0].settings.name=" + name,
                // closed: 503 until the connection is up, so firstDecision() sees a real decision
                "portcullis.routes[0].policies[0].settings.onFailure=closed",
                "portcullis.routes[0].policies[0].settings.redisTimeout=2s",
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private static int status(PortcullisGateway gateway) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", gateway.address("http").getPort())) {
            return raw.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status();
        }
    }

    /** The first answer once the gateway's Redis connection (made in the background) is up. */
    private static int firstDecision(PortcullisGateway gateway) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        int status;
        do {
            status = status(gateway);
        } while (status == 503 && System.nanoTime() - deadline < 0 && pause());
        return status;
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(20); // polling a condition with a deadline: the connection state is not observable from here
        return true;
    }

    @Test
    void limitsWithoutARedisUriCountInTheApplicationsRedis() {
        runner.withPropertyValues(gateway("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=6379",
                "spring.data.redis.database=" + DATABASE)).run(ctx -> {
            assertThat(ctx).hasSingleBean(RateLimitProvider.class);
            assertThat(ctx.getBean(RateLimitProvider.class).defaultRedisUri()).isEqualTo("redis://127.0.0.1:6379/" + DATABASE);
            PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
            assertThat(firstDecision(gateway)).isEqualTo(200);
            assertThat(status(gateway)).isEqualTo(200);
            assertThat(status(gateway)).isEqualTo(429);
            assertThat(keys(DATABASE)).isPositive();
            assertThat(keys(0)).isZero();
        });
    }

    @Test
    void aLimitNamingItsOwnRedisKeepsIt() {
        runner.withPropertyValues(gateway("spring.data.redis.port=1", "portcullis.routes[0].policies[0].settings.redis=redis://127.0.0.1:6379/"
                + DATABASE)).run(ctx -> {
            PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
            assertThat(firstDecision(gateway)).isEqualTo(200);
            assertThat(keys(DATABASE)).isPositive();
        });
    }

    @Test
    void aRateLimitProviderBeanOfTheAppWins() {
        runner.withPropertyValues(gateway("spring.data.redis.port=1"))
                .withBean(RateLimitProvider.class, () -> new RateLimitProvider("redis://127.0.0.1:6379/" + DATABASE, false))
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(RateLimitProvider.class);
                    assertThat(firstDecision(ctx.getBean(PortcullisGateway.class))).isEqualTo(200);
                    assertThat(keys(DATABASE)).isPositive();
                });
    }

    @Test
    void withoutSpringDataRedisTheCoreDefaultStays() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class,
                        PortcullisRedisAutoConfiguration.class))
                .withPropertyValues(gateway())
                .run(ctx -> assertThat(ctx).doesNotHaveBean(RateLimitProvider.class));
    }

    @Test
    void withoutAConfiguredGatewayNothingIsAdded() {
        runner.withPropertyValues("spring.data.redis.host=127.0.0.1")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(RateLimitProvider.class));
    }

    /** How many of this test's counters database {@code db} holds. */
    private long keys(int db) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379/" + db);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().keys("portcullis:rl:" + name + ":*").size();
        } finally {
            client.shutdown();
        }
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
