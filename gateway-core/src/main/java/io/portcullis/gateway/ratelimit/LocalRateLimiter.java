package io.portcullis.gateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An in-memory rate limiter: the generic cell rate algorithm (GCRA), one lock-free
 * {@link AtomicLong} per key holding the key's "theoretical arrival time", so a decision is one
 * read and one compare-and-set, with no timer and no lock.
 *
 * <p>{@code requests} per {@code window} with a burst of {@code burst}: a key may send {@code burst}
 * requests at once, then one every {@code window / requests}. Keys live in a map bounded by
 * {@code maxKeys} ({@link KeyCells}): when it is full, keys back at full burst are forgotten first,
 * which changes no decision. Only when more than {@code maxKeys} keys are active at once are keys
 * forgotten early, those closest to full burst first (they start again with a full burst): memory
 * stays bounded under a flood of distinct keys, at the price of leniency for the forgotten ones.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final long requests;
    private final long windowSeconds;
    private final long interval;   // nanos between two requests at the sustained rate
    private final long tolerance;  // nanos of credit: burst * interval
    private final LongSupplier clock;
    private final KeyCells cells;

    private LocalRateLimiter(long requests, Duration window, long burst, long maxKeys, LongSupplier nanoClock) {
        if (requests < 1 || burst < 1 || maxKeys < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("requests, burst, maxKeys and window must be positive");
        }
        this.requests = requests;
        this.windowSeconds = Math.max(1, window.toSeconds());
        this.interval = Math.max(1, window.toNanos() / requests);
        this.tolerance = Math.multiplyExact(burst, interval);
        this.clock = nanoClock;
        this.cells = new KeyCells(maxKeys);
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
        return cells.size();
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
        long now = clock.getAsLong();
        AtomicLong cell = cells.cell(key, now);
        while (true) {
            long tat = cell.get();
            if (tat == KeyCells.RETIRED) {
                cell = cells.cell(key, now); // pruned after this request found it: the key starts afresh
                continue;
            }
            long start = tat == KeyCells.EMPTY || tat - now < 0 ? now : tat;
            long next = start + interval;
            long debt = next - now; // how far ahead of "now" the key would be after this request: at least interval
            if (debt > tolerance) {
                return -(debt - tolerance);
            }
            if (cell.compareAndSet(tat, next)) {
                return debt;
            }
            now = clock.getAsLong(); // another caller moved the cell: decide again at the current time
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
