package io.portcullis.gateway.internal.cluster;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps retries at {@code percent} % of the requests of the last 10 seconds plus
 * {@code minPerSecond} per second of that window, so that a failing cluster sees at most that much
 * extra load however many requests fail. Counts live in ten one-second buckets of shared atomics;
 * a bucket is recycled by whichever thread first sees its second come round again (the count is
 * approximate at a bucket's turn, which is fine for a budget).
 */
final class RetryBudget {
    private static final int BUCKETS = 10;

    private final int percent;
    private final long minPerWindow;
    /** Per bucket: [second, requests, retries] at 3*i, 3*i+1, 3*i+2. */
    private final AtomicLongArray slots = new AtomicLongArray(BUCKETS * 3);

    RetryBudget(int percent, int minPerSecond) {
        this.percent = percent;
        this.minPerWindow = (long) minPerSecond * BUCKETS;
    }

    void onRequest(long nowNanos) {
        slots.incrementAndGet(bucket(nowNanos) + 1);
    }

    /** Takes one retry from the budget, or says there is none left. */
    boolean tryRetry(long nowNanos) {
        long second = nowNanos / 1_000_000_000L;
        bucket(nowNanos);
        long requests = 0;
        long retries = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long s = slots.get(3 * i);
            if (second - s < BUCKETS) {
                requests += slots.get(3 * i + 1);
                retries += slots.get(3 * i + 2);
            }
        }
        if (retries * 100 >= requests * percent + minPerWindow * 100) {
            return false;
        }
        slots.incrementAndGet(bucket(nowNanos) + 2);
        return true;
    }

    /** The base index of the current second's bucket, reset if it still holds an older second. */
    private int bucket(long nowNanos) {
        long second = nowNanos / 1_000_000_000L;
        int base = (int) Math.floorMod(second, (long) BUCKETS) * 3;
        long s = slots.get(base);
        if (s != second && slots.compareAndSet(base, s, second)) {
            slots.set(base + 1, 0);
            slots.set(base + 2, 0);
        }
        return base;
    }
}
