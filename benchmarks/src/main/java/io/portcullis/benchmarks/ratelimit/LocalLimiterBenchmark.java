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
import java.util.concurrent.atomic.AtomicLongArray;
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
 *
 * <p>The many-key cases also pay for drawing their key: a load from a 128k-entry array and, in the
 * uniform mix, a distinct {@code String} object per draw (its header and bytes, read to compare it
 * with the stored key). So that a ratio to one key measures the lookup and not the drawing, the
 * {@code oneKeyDrawn*} cases draw one key the same way (an array as long, of the same key each time:
 * one shared instance as in the Zipf mix, or a distinct equal copy per entry as in the uniform mix),
 * and {@code drawOnly*} do the drawing alone. {@code memoryFloorRandomLine} reads one random cache
 * line of a 100k-line array per operation: the cost of one cache miss on 100k entries, the floor of
 * any per-key lookup that must read per-key state it cannot predict, when nothing stops the processor
 * from overlapping it with the next operation's; {@code plainCasRandomCell} is the floor of a decision
 * on 100k keys: the clock and a compare-and-set on one of 100k cells (one per cache line) drawn at
 * random, as {@code plainCasOneKey} on one cell, with no key and no map at all.
 *
 * <p>All the cases above look up key strings built once, whose {@link String#hashCode} is computed
 * once and cached: the gateway builds its key per request ({@code "ip:" + address}), so a map hashes
 * it every time. The {@code *Built} cases build the key per operation as the rate-limit policy does
 * (the concatenation allocates its string: those B/op are the key's, not the limiter's).
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
    private String[] oneKeyShared;
    private String[] uniformAddresses;
    private String[] oneKeyCopies;
    private long[] lines;
    private int[] lineDraws;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong casCell = new AtomicLong();
    private final AtomicLongArray casCells = new AtomicLongArray(KEYS * 8); // one cell per 64-byte line
    private final AtomicInteger threadStarts = new AtomicInteger();
    private long floorCount;
    private String oneKeyAddress = "203.0.113.7"; // a field, not a constant: the concatenation is not folded

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
        oneKeyShared = new String[uniformKeys.length];
        oneKeyCopies = new String[uniformKeys.length];
        String one = "ip:203.0.113.7";
        for (int i = 0; i < oneKeyCopies.length; i++) {
            oneKeyShared[i] = one;
            oneKeyCopies[i] = new String(one.toCharArray()); // equal, not the same object: as a uniform draw
        }
        uniformAddresses = new String[uniformKeys.length];
        for (int i = 0; i < uniformKeys.length; i++) {
            uniformAddresses[i] = uniformKeys[i].substring(3); // without "ip:", which the key adds back
        }
        lines = new long[KEYS * 8]; // 100k cache lines of 8 longs
        lineDraws = new int[uniformKeys.length];
        SplittableRandom r = new SplittableRandom(44);
        for (int i = 0; i < lineDraws.length; i++) {
            lineDraws[i] = r.nextInt(KEYS) * 8;
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

    /** One key drawn as the Zipf mix draws (shared instances from a 128k array): its baseline. */
    @Benchmark
    public long portcullisOneKeyDrawnShared(Cursor c) {
        return limiter.decide(oneKeyShared[c.i++ & (oneKeyShared.length - 1)]);
    }

    /** One key drawn as the uniform mix draws (a distinct equal String per entry): its baseline. */
    @Benchmark
    public long portcullisOneKeyDrawnCopies(Cursor c) {
        return limiter.decide(oneKeyCopies[c.i++ & (oneKeyCopies.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public long portcullisOneKeyDrawnCopiesTwoThreads(Cursor c) {
        return limiter.decide(oneKeyCopies[c.i++ & (oneKeyCopies.length - 1)]);
    }

    /** One key built per request, as the rate-limit policy builds it: {@code "ip:" + address}. */
    @Benchmark
    public long portcullisOneKeyBuilt() {
        return limiter.decide("ip:" + oneKeyAddress);
    }

    /** The uniform mix with each key built per request from its address. */
    @Benchmark
    public long portcullisUniformKeysBuilt(Cursor c) {
        return limiter.decide("ip:" + uniformAddresses[c.i++ & (uniformAddresses.length - 1)]);
    }

    /** The uniform mix's drawing alone: the key's array slot, its String and its bytes, no map. */
    @Benchmark
    public int drawOnlyUniform(Cursor c) {
        String k = uniformKeys[c.i++ & (uniformKeys.length - 1)];
        return k.hashCode() + k.charAt(k.length() - 1);
    }

    /** The Zipf mix's drawing alone. */
    @Benchmark
    public int drawOnlyZipf(Cursor c) {
        String k = zipfKeys[c.i++ & (zipfKeys.length - 1)];
        return k.hashCode() + k.charAt(k.length() - 1);
    }

    /** The memory floor: one read of a random cache line out of 100k per operation (independent reads). */
    @Benchmark
    public long memoryFloorRandomLine(Cursor c) {
        return lines[lineDraws[c.i++ & (lineDraws.length - 1)]];
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

    /** The floor of a decision on 100k keys: the same, on a random one of 100k cells, found by index. */
    @Benchmark
    public boolean plainCasRandomCell(Cursor c) {
        return casDecision(lineDraws[c.i++ & (lineDraws.length - 1)]);
    }

    @Benchmark
    @Threads(2)
    public boolean plainCasRandomCellTwoThreads(Cursor c) {
        return casDecision(lineDraws[c.i++ & (lineDraws.length - 1)]);
    }

    private boolean casDecision(int i) {
        while (true) {
            long now = System.nanoTime();
            long tat = casCells.get(i);
            long next = Math.max(tat, now) + 1;
            if (next - now > HUGE) {
                return false;
            }
            if (casCells.compareAndSet(i, tat, next)) {
                return true;
            }
        }
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
