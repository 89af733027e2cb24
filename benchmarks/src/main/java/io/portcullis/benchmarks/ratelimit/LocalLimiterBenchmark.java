package io.portcullis.benchmarks.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.portcullis.gateway.ratelimit.LocalRateLimiter;
import io.portcullis.gateway.ratelimit.RateLimitResult;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory limiter's decision: one key, one and two threads; 100k keys in a Zipfian mix;
 * beside Bucket4j's local bucket (the peer) and an unsynchronized counter (the floor). The limit
 * is high enough that every decision admits, so all variants do the same work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LocalLimiterBenchmark {
    static final int KEYS = 100_000;
    static final long HUGE = 1_000_000_000L;

    private LocalRateLimiter limiter;
    private Bucket bucket;
    private String[] zipfKeys;
    private long floorCount;

    @Setup
    public void setUp() {
        limiter = LocalRateLimiter.of(HUGE, Duration.ofSeconds(1), HUGE, 200_000);
        bucket = Bucket.builder().addLimit(Bandwidth.builder().capacity(HUGE).refillGreedy(HUGE, Duration.ofSeconds(1)).build()).build();
        zipfKeys = zipf(KEYS, 1 << 16, 1.0, 42);
        for (String k : zipfKeys) {
            limiter.tryAcquire(k);
        }
    }

    /** {@code n} draws from a Zipf(s) distribution over {@code keys} distinct client-IP-like keys. */
    static String[] zipf(int keys, int n, double s, long seed) {
        double[] cdf = new double[keys];
        double sum = 0;
        for (int i = 0; i < keys; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        String[] names = new String[keys];
        for (int i = 0; i < keys; i++) {
            names[i] = "ip:10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
        }
        SplittableRandom r = new SplittableRandom(seed);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() * sum;
            int idx = java.util.Arrays.binarySearch(cdf, u);
            out[i] = names[idx >= 0 ? idx : Math.min(keys - 1, -idx - 1)];
        }
        return out;
    }

    /** Per-thread position in the key mix. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;
    }

    @Benchmark
    public RateLimitResult portcullisOneKey() {
        return limiter.tryAcquire("ip:203.0.113.7");
    }

    @Benchmark
    @Threads(2)
    public RateLimitResult portcullisOneKeyTwoThreads() {
        return limiter.tryAcquire("ip:203.0.113.7");
    }

    @Benchmark
    public RateLimitResult portcullisZipfKeys(Cursor c) {
        return limiter.tryAcquire(zipfKeys[c.i++ & (zipfKeys.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public RateLimitResult portcullisZipfKeysTwoThreads(Cursor c) {
        return limiter.tryAcquire(zipfKeys[c.i++ & (zipfKeys.length - 1)]);
    }

    @Benchmark
    public boolean bucket4jOneKey() {
        return bucket.tryConsume(1);
    }

    @Benchmark
    @Threads(2)
    public boolean bucket4jOneKeyTwoThreads() {
        return bucket.tryConsume(1);
    }

    /** The floor: a plain counter, no atomicity, no time. */
    @Benchmark
    public boolean unsynchronizedCounter() {
        return ++floorCount < Long.MAX_VALUE;
    }
}
