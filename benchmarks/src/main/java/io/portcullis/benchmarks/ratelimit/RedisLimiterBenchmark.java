package io.portcullis.benchmarks.ratelimit;

import io.portcullis.benchmarks.BenchContexts;
import io.portcullis.gateway.ratelimit.LocalRateLimiter;
import io.portcullis.gateway.ratelimit.RateLimitResult;
import io.portcullis.gateway.ratelimit.RateLimiter;
import io.portcullis.gateway.ratelimit.redis.RedisBackends;
import io.portcullis.gateway.ratelimit.redis.RedisRateLimiter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one decision costs with the limit in memory, in Redis one round trip per decision
 * ({@code direct}), and in Redis with leases ({@code lease}), with the Redis round trips per
 * decision as a counter. Needs Redis on 127.0.0.1:6379 ({@code -p redis=...} for another).
 * Sample mode, so p50/p99 are reported.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class RedisLimiterBenchmark {

    @Param({"local", "direct", "lease"})
    public String mode;

    @Param({"redis://127.0.0.1:6379"})
    public String redis;

    private BenchContexts.Provider provider;
    private RateLimiter limiter;

    /** Round trips per decision, reported beside the time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RoundTrips {
        public long redisCalls;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        provider = new BenchContexts.Provider();
        long huge = 1_000_000_000L;
        if (mode.equals("local")) {
            limiter = LocalRateLimiter.of(huge, Duration.ofSeconds(1), huge, 100_000);
            return;
        }
        RedisRateLimiter.Options o = new RedisRateLimiter.Options("bench-" + UUID.randomUUID(), huge, Duration.ofSeconds(1),
                huge, RedisRateLimiter.Mode.valueOf(mode.toUpperCase()), 10, Duration.ofSeconds(1),
                RedisRateLimiter.OnFailure.CLOSED, Duration.ofSeconds(5), 100_000);
        limiter = new RedisBackends(provider).limiter(redis, false, Duration.ofSeconds(1), 10_000, o);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (decide(new RoundTrips()).unavailable()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis at " + redis + " does not answer");
            }
            Thread.sleep(50);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        provider.close();
    }

    @Benchmark
    public RateLimitResult decide(RoundTrips trips) {
        RateLimitResult r = limiter.tryAcquire("ip:203.0.113.7");
        if (r != null) {
            return r;
        }
        trips.redisCalls++;
        return limiter.acquire("ip:203.0.113.7").toCompletableFuture().join();
    }
}
