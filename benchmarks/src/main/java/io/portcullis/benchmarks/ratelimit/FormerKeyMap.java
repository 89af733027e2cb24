package io.portcullis.benchmarks.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local limiter's decision over its former key map, a {@code ConcurrentHashMap<String, AtomicLong>}
 * (before 2026-12-07; without its pruning, which the benchmark never reaches): kept so that the
 * present key table is compared with it in one run, on one machine's state.
 */
final class FormerKeyMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private final ConcurrentHashMap<String, AtomicLong> map = new ConcurrentHashMap<>();
    private final long interval;
    private final long tolerance;

    FormerKeyMap(long interval, long tolerance) {
        this.interval = interval;
        this.tolerance = tolerance;
    }

    long decide(String key) {
        long now = System.nanoTime();
        AtomicLong cell = map.get(key);
        if (cell == null) {
            cell = map.computeIfAbsent(key, k -> new AtomicLong(EMPTY));
        }
        while (true) {
            long tat = cell.get();
            long start = tat == EMPTY || tat - now < 0 ? now : tat;
            long next = start + interval;
            long debt = next - now;
            if (debt > tolerance) {
                return -(debt - tolerance);
            }
            if (cell.compareAndSet(tat, next)) {
                return debt;
            }
            now = System.nanoTime();
        }
    }
}
