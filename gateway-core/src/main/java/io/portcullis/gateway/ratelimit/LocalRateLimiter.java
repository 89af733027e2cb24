package io.portcullis.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An in-memory rate limiter: the generic cell rate algorithm (GCRA), one lock-free
 * {@link AtomicLong} per key holding the key's "theoretical arrival time", so a decision is one
 * read and one compare-and-set, with no timer and no lock.
 *
 * <p>{@code requests} per {@code window} with a burst of {@code burst}: a key may send {@code burst}
 * requests at once, then one every {@code window / requests}. Keys live in a bounded Caffeine map
 * ({@code maxKeys}); a key idle long enough to be back at full burst expires, so expiry never
 * changes a decision. Only when more than {@code maxKeys} keys are active at once does eviction
 * forget a key early (it then starts again with a full burst): memory stays bounded under a flood
 * of distinct keys, at the price of leniency for the evicted ones.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final long requests;
    private final long windowSeconds;
    private final long interval;   // nanos between two requests at the sustained rate
    private final long tolerance;  // nanos of credit: burst * interval
    private final LongSupplier clock;
    private final Cache<String, AtomicLong> cells;

    private LocalRateLimiter(long requests, Duration window, long burst, long maxKeys, LongSupplier nanoClock) {
        if (requests < 1 || burst < 1 || maxKeys < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("requests, burst, maxKeys and window must be positive");
        }
        this.requests = requests;
        this.windowSeconds = Math.max(1, window.toSeconds());
        this.interval = Math.max(1, window.toNanos() / requests);
        this.tolerance = Math.multiplyExact(burst, interval);
        this.clock = nanoClock;
        Ticker ticker = nanoClock::getAsLong;
        this.cells = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(tolerance + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS)
                .ticker(ticker)
                .executor(Runnable::run) // maintenance inline: no background threads per limiter
                .build();
    }

    /** {@code requests} per {@code window}, {@code burst} at once, at most {@code maxKeys} keys tracked. */
    public static LocalRateLimiter of(long requests, Duration window, long burst, long maxKeys) {
        return new LocalRateLimiter(requests, window, burst, maxKeys, System::nanoTime);
    }

    /** The same with an injected nanosecond clock (tests). */
    public static LocalRateLimiter of(long requests, Duration window, long burst, long maxKeys, LongSupplier nanoClock) {
        return new LocalRateLimiter(requests, window, burst, maxKeys, nanoClock);
    }

    @Override
    public long requests() {
        return requests;
    }

    @Override
    public long windowSeconds() {
        return windowSeconds;
    }

    /** Keys currently tracked (approximate). */
    public long trackedKeys() {
        return cells.estimatedSize();
    }

    @Override
    public RateLimitResult tryAcquire(String key) {
        return result(decide(key));
    }

    /**
     * Takes one token for {@code key} and returns the decision as one number, allocating nothing
     * (for callers that need only the verdict, as with a bucket's boolean): above 0 when admitted
     * (the key's debt after this request, in nanoseconds), below 0 when refused (minus the
     * nanoseconds until one request would be admitted). Never 0. {@link #result} expands it.
     */
    public long decide(String key) {
        AtomicLong cell = cells.get(key, k -> new AtomicLong(Long.MIN_VALUE));
        while (true) {
            long now = clock.getAsLong();
            long tat = cell.get();
            long start = tat == Long.MIN_VALUE || tat - now < 0 ? now : tat;
            long next = start + interval;
            long debt = next - now; // how far ahead of "now" the key would be after this request: at least interval
            if (debt > tolerance) {
                return -(debt - tolerance);
            }
            if (cell.compareAndSet(tat, next)) {
                return debt;
            }
        }
    }

    /** Whether a {@link #decide} decision admitted the request. */
    public static boolean admitted(long decision) {
        return decision > 0;
    }

    /** The full result of a {@link #decide} decision: remaining requests, reset and retry times. */
    public RateLimitResult result(long decision) {
        if (decision > 0) {
            return new RateLimitResult(true, (tolerance - decision) / interval, decision, 0);
        }
        long wait = -decision;
        long reset = wait + tolerance - interval; // time until the key's arrival time, as debt = wait + tolerance
        return new RateLimitResult(false, 0, reset, wait);
    }
}
