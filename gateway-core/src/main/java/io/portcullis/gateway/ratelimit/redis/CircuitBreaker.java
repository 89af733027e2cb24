package io.portcullis.gateway.ratelimit.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Opens on a failed Redis call and stays open for a window: meanwhile decisions are made without
 * Redis at once. After the window one probe call is let through; its success closes the breaker.
 * So a slow or dead Redis costs at most one timeout per window, not one per request.
 */
final class CircuitBreaker {
    static final int CLOSED = 0;
    static final int OPEN = 1;
    static final int HALF_OPEN = 2;

    private final long windowNanos;
    private final LongSupplier clock;
    private final AtomicLong openUntil = new AtomicLong(); // 0: closed
    private final AtomicBoolean probing = new AtomicBoolean();

    CircuitBreaker(long windowNanos, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    /** Whether a call may go to Redis now (in half-open state: only the one probe). */
    boolean allow() {
        long until = openUntil.get();
        if (until == 0) {
            return true;
        }
        if (clock.getAsLong() - until < 0) {
            return false;
        }
        return probing.compareAndSet(false, true);
    }

    void success() {
        openUntil.set(0);
        probing.set(false);
    }

    /** Returns true when this failure opened a closed breaker (worth one log line). */
    boolean failure() {
        long next = clock.getAsLong() + windowNanos;
        boolean wasClosed = openUntil.getAndSet(next == 0 ? 1 : next) == 0;
        probing.set(false);
        return wasClosed;
    }

    /** Nanoseconds until the next probe may go (0 when closed). */
    long remainingNanos() {
        long until = openUntil.get();
        return until == 0 ? 0 : Math.max(0, until - clock.getAsLong());
    }

    int state() {
        long until = openUntil.get();
        if (until == 0) {
            return CLOSED;
        }
        return clock.getAsLong() - until < 0 ? OPEN : HALF_OPEN;
    }
}
