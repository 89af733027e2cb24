package io.portcullis.benchmarks.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.portcullis.gateway.ratelimit.LocalRateLimiter;
import io.portcullis.gateway.ratelimit.RateLimitResult;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * The in-memory limiter's decision: one key, 100k keys in a Zipfian mix (hot keys, as real client
 * traffic) and 100k keys drawn uniformly (mostly cold: the worst case of the per-key lookup), each
 * on one thread and on two threads contending; beside Bucket4j's local bucket (the peer: one bucket,
 * and one bucket per key in a {@link ConcurrentHashMap} for the many-key cases), a plain
 * compare-and-set on one {@link AtomicLong} (the floor of a thread-safe decision) and an
 * unsynchronized counter (the floor of any decision). The limit is high enough that every decision
 * admits, so all variants do the same work. Portcullis is measured through
 * {@link LocalRateLimiter#decide}, its allocation-free verdict, as Bucket4j through its boolean
 * {@code tryConsume}; {@code portcullisOneKeyWithResult} adds the result record the policy keeps.
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
    private String[] uniformKeys;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong casCell = new AtomicLong();
    private final AtomicInteger threadStarts = new AtomicInteger();
    private long floorCount;

    @Setup
    public void setUp() {
        limiter = LocalRateLimiter.of(HUGE, Duration.ofSeconds(1), HUGE, 200_000);
        bucket = Bucket.builder().addLimit(Bandwidth.builder().capacity(HUGE).refillGreedy(HUGE, Duration.ofSeconds(1)).build()).build();
        zipfKeys = zipf(KEYS, 1 << 16, 1.0, 42);
        uniformKeys = uniform(KEYS, 1 << 17, 43);
        for (String k : uniformKeys) {
            limiter.tryAcquire(k);
            bucket4j(k);
        }
        for (String k : zipfKeys) {
            limiter.tryAcquire(k);
            bucket4j(k);
        }
    }

    private static String name(int i) {
        return "ip:10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    /** {@code n} uniform draws over {@code keys} distinct keys. */
    static String[] uniform(int keys, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = name(r.nextInt(keys));
        }
        return out;
    }

    /** Bucket4j with one bucket per key, the way a user of it would limit per client. */
    private boolean bucket4j(String key) {
        return buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(HUGE).refillGreedy(HUGE, Duration.ofSeconds(1)).build()).build())
                .tryConsume(1);
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
            names[i] = name(i);
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

    /** Per-thread position in the key mixes; two threads start half a mix apart, not in lockstep on the same keys. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;

        @Setup
        public void setUp(LocalLimiterBenchmark b) {
            i = b.threadStarts.getAndAdd(1 << 15);
        }
    }

    @Benchmark
    public long portcullisOneKey() {
        return limiter.decide("ip:203.0.113.7");
    }

    /** The same decision expanded to the record the rate-limit policy keeps for its response headers. */
    @Benchmark
    public RateLimitResult portcullisOneKeyWithResult() {
        return limiter.tryAcquire("ip:203.0.113.7");
    }

    @Benchmark
    @Threads(2)
    public long portcullisOneKeyTwoThreads() {
        return limiter.decide("ip:203.0.113.7");
    }

    @Benchmark
    public long portcullisZipfKeys(Cursor c) {
        return limiter.decide(zipfKeys[c.i++ & (zipfKeys.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public long portcullisZipfKeysTwoThreads(Cursor c) {
        return limiter.decide(zipfKeys[c.i++ & (zipfKeys.length - 1)]);
    }

    @Benchmark
    public long portcullisUniformKeys(Cursor c) {
        return limiter.decide(uniformKeys[c.i++ & (uniformKeys.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public long portcullisUniformKeysTwoThreads(Cursor c) {
        return limiter.decide(uniformKeys[c.i++ & (uniformKeys.length - 1)]);
    }

    @Benchmark
    public boolean bucket4jZipfKeys(Cursor c) {
        return bucket4j(zipfKeys[c.i++ & (zipfKeys.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public boolean bucket4jZipfKeysTwoThreads(Cursor c) {
        return bucket4j(zipfKeys[c.i++ & (zipfKeys.length - 1)]);
    }

    @Benchmark
    public boolean bucket4jUniformKeys(Cursor c) {
        return bucket4j(uniformKeys[c.i++ & (uniformKeys.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public boolean bucket4jUniformKeysTwoThreads(Cursor c) {
        return bucket4j(uniformKeys[c.i++ & (uniformKeys.length - 1)]);
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

    /** The floor of a thread-safe decision: read the clock, one compare-and-set on one cell (GCRA without the key map). */
    @Benchmark
    public boolean plainCasOneKey() {
        return casDecision();
    }

    @Benchmark
    @Threads(2)
    public boolean plainCasOneKeyTwoThreads() {
        return casDecision();
    }

    private boolean casDecision() {
        while (true) {
            long now = System.nanoTime();
            long tat = casCell.get();
            long next = Math.max(tat, now) + 1;
            if (next - now > HUGE) {
                return false;
            }
            if (casCell.compareAndSet(tat, next)) {
                return true;
            }
        }
    }

    /** The floor: a plain counter, no atomicity, no time. */
    @Benchmark
    public boolean unsynchronizedCounter() {
        return ++floorCount < Long.MAX_VALUE;
    }
}
