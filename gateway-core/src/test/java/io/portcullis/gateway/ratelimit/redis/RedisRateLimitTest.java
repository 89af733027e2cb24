package io.portcullis.gateway.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One limit across several gateway nodes through a real Redis: exact admissions under concurrent
 * load, expiring keys, NOSCRIPT recovery, lease mode, and Redis dying and coming back.
 */
class RedisRateLimitTest {
    TestUpstream upstream;
    final List<Gateway> gateways = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final String name = "test-" + UUID.randomUUID();

    @BeforeEach
    void upstream() {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stop() {
        gateways.forEach(Gateway::close);
        upstream.close();
    }

    private int node(Map<String, Object> limit) {
        // closed: until the node's connection is up it answers 503, so firstDecision() sees a real decision;
        // a generous timeout: these tests are about exact counts on a busy 2-core machine, not about timeouts
        Map<String, Object> settings = new HashMap<>(Map.of("backend", "redis", "name", name, "per", "1h",
                "onFailure", "closed", "redisTimeout", "2s"));
        settings.putAll(limit);
        Gateway g = Gateway.builder()
                .ioThreads(2)
                .listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/limited").to(upstream.url()).policy(PolicySpec.of("rate-limit", settings)).build())
                .route(RouteConfig.prefix("/free").to(upstream.url()).build())
                .meterRegistry(meters)
                .build();
        gateways.add(g);
        g.start();
        return g.address("h").getPort();
    }

    private static int get(int port, String path) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status();
        }
    }

    /** Waits until the node's first Redis connection is up (it connects in the background). */
    private static int firstDecision(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status;
        do {
            status = get(port, "/limited/x");
        } while (status != 200 && status != 429 && System.nanoTime() < deadline);
        return status;
    }

    private double count(String meter, String outcome) {
        var c = meters.find(meter).tag("limit", name).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void twoNodesShareOneExactLimitUnderConcurrentLoad() throws Exception {
        LocalRedis.assumeSharedRedis();
        int a = node(Map.of("requests", 40));
        int b = node(Map.of("requests", 40));
        assertThat(firstDecision(a)).isEqualTo(200);
        assertThat(firstDecision(b)).isEqualTo(200);
        AtomicInteger admitted = new AtomicInteger(2);
        AtomicInteger limited = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int port = t % 2 == 0 ? a : b;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        int s = get(port, "/limited/x");
                        (s == 200 ? admitted : limited).incrementAndGet();
                        assertThat(s).isIn(200, 429);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // 40 per hour with a burst of 40: in a few seconds nothing refills (one token per 90 s)
        assertThat(admitted.get()).isEqualTo(40);
        assertThat(limited.get()).isEqualTo(8 * 15 + 2 - 40);
    }

    @Test
    void keysExpireWhenBackAtFullBurst() throws Exception {
        LocalRedis.assumeSharedRedis();
        int a = node(Map.of("requests", 60, "per", "1m", "burst", 5));
        assertThat(firstDecision(a)).isEqualTo(200);
        long ttl = LocalRedis.with(LocalRedis.SHARED_URI, r -> r.pttl("portcullis:rl:" + name + ":ip:127.0.0.1"));
        // one request of a 5-burst at 1/s: full again after 1 s; the key lives 1 s more than that at most
        assertThat(ttl).isBetween(1L, 2_000L);
    }

    @Test
    void theScriptIsLoadedAgainAfterScriptFlush() throws Exception {
        LocalRedis.assumeSharedRedis();
        int a = node(Map.of("requests", 3));
        assertThat(firstDecision(a)).isEqualTo(200);
        LocalRedis.with(LocalRedis.SHARED_URI, r -> r.scriptFlush());
        assertThat(get(a, "/limited/x")).isEqualTo(200);
        assertThat(get(a, "/limited/x")).isEqualTo(200);
        assertThat(get(a, "/limited/x")).isEqualTo(429);
        assertThat(count("portcullis.ratelimit.decisions", "allowed")).isEqualTo(3);
        assertThat(count("portcullis.ratelimit.decisions", "denied")).isEqualTo(1);
    }

    @Test
    void leaseModeAnswersMostDecisionsLocallyAndNeverExceedsTheLimit() throws Exception {
        LocalRedis.assumeSharedRedis();
        int a = node(Map.of("requests", 100, "mode", "lease", "leaseSize", 10, "leaseTtl", "30s"));
        int b = node(Map.of("requests", 100, "mode", "lease", "leaseSize", 10, "leaseTtl", "30s"));
        assertThat(firstDecision(a)).isEqualTo(200);
        int admitted = 1;
        for (int i = 0; i < 49; i++) {
            admitted += get(a, "/limited/x") == 200 ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(50);
        double calls = meters.find("portcullis.ratelimit.redis.calls").tag("limit", name).counter().count();
        assertThat(calls).as("one round trip per 10 decisions").isEqualTo(5);
        assertThat(count("portcullis.ratelimit.decisions", "lease")).isEqualTo(45);
        for (int i = 0; i < 200; i++) {
            admitted += get(i % 2 == 0 ? a : b, "/limited/x") == 200 ? 1 : 0;
        }
        // tokens are taken from Redis before use: at most the limit, short by at most what node b still holds
        assertThat(admitted).isBetween(100 - 9, 100);
    }

    @Test
    void redisDyingAndComingBack() throws Exception {
        try (LocalRedis redis = LocalRedis.startPrivate()) {
            Map<String, Object> common = Map.of("redis", redis.uri(), "requests", 2, "breakerWindow", "300ms",
                    "redisTimeout", "100ms");
            Gateway g = Gateway.builder()
                    .ioThreads(1)
                    .listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                    .route(limited("/open", common, "open"))
                    .route(limited("/closed", common, "closed"))
                    .route(limited("/local", common, "local"))
                    .route(RouteConfig.prefix("/free").to(upstream.url()).build())
                    .meterRegistry(meters)
                    .build();
            gateways.add(g);
            g.start();
            int port = g.address("h").getPort();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (get(port, "/closed/x") == 503 && System.nanoTime() < deadline) {
                Thread.sleep(50); // connecting
            }
            assertThat(get(port, "/open/x")).isEqualTo(200);
            assertThat(get(port, "/open/x")).isEqualTo(200);
            assertThat(get(port, "/open/x")).isEqualTo(429);

            redis.stop();
            for (int i = 0; i < 5; i++) {
                assertThat(get(port, "/open/x")).as("fail-open admits").isEqualTo(200);
                assertThat(get(port, "/closed/x")).as("fail-closed refuses").isEqualTo(503);
                assertThat(get(port, "/free/x")).as("the event loop stays responsive").isEqualTo(200);
            }
            assertThat(get(port, "/local/x")).isEqualTo(200);
            assertThat(get(port, "/local/x")).isEqualTo(200);
            assertThat(get(port, "/local/x")).as("the local fallback limits per node").isEqualTo(429);

            redis.start();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int status = 0;
            while (status != 429 && System.nanoTime() < deadline) {
                status = get(port, "/closed/x");
                Thread.sleep(20);
            }
            assertThat(status).as("limits apply again once Redis is back").isEqualTo(429);
        }
    }

    @Test
    void aSlowRedisCostsOneTimeoutPerBreakerWindow() throws Exception {
        try (LocalRedis redis = LocalRedis.startPrivate()) {
            int port = node(Map.of("redis", redis.uri(), "requests", 1000, "redisTimeout", "100ms",
                    "breakerWindow", "3s", "onFailure", "open"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count("portcullis.ratelimit.decisions", "allowed") == 0 && System.nanoTime() < deadline) {
                assertThat(get(port, "/limited/x")).isEqualTo(200); // fail-open until connected
            }
            var calls = meters.find("portcullis.ratelimit.redis.calls").tag("limit", name).counter();
            double before = calls.count();
            double failedOpen = count("portcullis.ratelimit.decisions", "failed_open");
            // DEBUG SLEEP blocks the server: a Redis that is up but does not answer
            Thread sleeper = new Thread(() -> LocalRedis.with(redis.uri(), r -> r.dispatch(CommandType.DEBUG,
                    new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(2))));
            sleeper.start();
            Thread.sleep(200);
            for (int i = 0; i < 5; i++) {
                assertThat(get(port, "/limited/x")).isEqualTo(200);
                assertThat(get(port, "/free/x")).isEqualTo(200);
            }
            assertThat(calls.count() - before).as("one call timed out, the open breaker answered the rest").isEqualTo(1);
            assertThat(count("portcullis.ratelimit.decisions", "failed_open") - failedOpen).isEqualTo(5);
            sleeper.join(10_000);
        }
    }

    private RouteConfig limited(String prefix, Map<String, Object> common, String onFailure) {
        Map<String, Object> settings = new HashMap<>(common);
        settings.putAll(Map.of("backend", "redis", "name", name + prefix, "per", "1h", "onFailure", onFailure));
        return RouteConfig.prefix(prefix).to(upstream.url()).policy(PolicySpec.of("rate-limit", settings)).build();
    }
}
