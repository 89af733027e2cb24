package io.portcullis.gateway.ratelimit;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * The GCRA cells of {@link LocalRateLimiter}, one per key, at most about {@code maxKeys} of them.
 *
 * <p>A lookup is a plain {@link ConcurrentHashMap#get}: no access bookkeeping, since no expiry is
 * needed for correctness (a cell whose arrival time has passed is at full burst, exactly as a missing
 * one). The bound is kept by pruning when a new key takes the map past {@code maxKeys}: first every
 * cell back at full burst (forgetting those changes no decision), then, if more than {@code maxKeys}
 * keys are active at once, the cells closest to full burst, judged from a random sample (the least
 * leniency for the keys that start again with a full burst). Pruning leaves room for a tenth of the
 * bound, so it runs at most once per {@code maxKeys / 10} new keys, and one thread at a time. It walks
 * the whole map on the thread that added the key (about a millisecond per 100k keys): a short stall,
 * traded for lookups without the per-access bookkeeping of an LRU cache.
 */
final class KeyCells {
    static final long EMPTY = Long.MIN_VALUE;
    /** A cell taken out of the map by pruning: whoever still holds it looks the key up again. */
    static final long RETIRED = Long.MIN_VALUE + 1;
    private static final int SAMPLE = 1024;

    private final ConcurrentHashMap<String, AtomicLong> map = new ConcurrentHashMap<>();
    private final long maxKeys;
    private final long pruneTo;
    private final AtomicBoolean pruning = new AtomicBoolean();

    KeyCells(long maxKeys) {
        this.maxKeys = maxKeys;
        this.pruneTo = maxKeys - Math.max(1, maxKeys / 10);
    }

    /** The cell of {@code key}, made on first use (holding {@link #EMPTY}); {@code now} serves pruning. */
    AtomicLong cell(String key, long now) {
        AtomicLong c = map.get(key);
        if (c != null) {
            if (c.get() != RETIRED) {
                return c;
            }
            map.remove(key, c); // retired by a pruning thread that has not removed it yet: do it for it
        }
        c = map.computeIfAbsent(key, k -> new AtomicLong(EMPTY));
        if (map.mappingCount() > maxKeys) {
            prune(now);
        }
        return c;
    }

    long size() {
        return map.mappingCount();
    }

    private void prune(long now) {
        if (!pruning.compareAndSet(false, true)) {
            return; // another thread is at it; the map may stay a little over the bound meanwhile
        }
        try {
            retireWhile(Long.MAX_VALUE, tat -> tat - now <= 0);
            long excess = map.mappingCount() - pruneTo;
            if (excess > 0) {
                long threshold = debtQuantile(now, (double) excess / map.mappingCount());
                retireWhile(excess, tat -> tat - now <= threshold);
                // the sample misjudged (ties, concurrent changes): any cells, so the bound holds
                retireWhile(map.mappingCount() - pruneTo, tat -> true);
            }
        } finally {
            pruning.set(false);
        }
    }

    /**
     * Removes up to {@code count} cells whose arrival time passes {@code test}, never an {@link #EMPTY}
     * one (just made, about to be used). Each is first set to {@link #RETIRED} by compare-and-set: a
     * request that looked the cell up before and records itself in it meanwhile makes that fail, and the
     * cell stays; one that comes after finds it retired and looks the key up again. No request's token
     * is lost with a removed cell.
     */
    private void retireWhile(long count, LongPredicate test) {
        Iterator<Map.Entry<String, AtomicLong>> it = map.entrySet().iterator();
        while (count > 0 && it.hasNext()) {
            Map.Entry<String, AtomicLong> e = it.next();
            AtomicLong c = e.getValue();
            long tat = c.get();
            if (tat != EMPTY && tat != RETIRED && test.test(tat) && c.compareAndSet(tat, RETIRED)) {
                map.remove(e.getKey(), c);
                count--;
            }
        }
    }

    /** The debt (arrival time minus now) below which about {@code fraction} of the cells lie, from a random sample. */
    private long debtQuantile(long now, double fraction) {
        long[] debts = new long[SAMPLE];
        int n = 0;
        double keep = Math.min(1.0, SAMPLE * 2.0 / Math.max(1, map.mappingCount()));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (AtomicLong c : map.values()) {
            if (n == SAMPLE) {
                break;
            }
            long tat = c.get();
            if (tat != EMPTY && tat != RETIRED && random.nextDouble() < keep) {
                debts[n++] = tat - now;
            }
        }
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        Arrays.sort(debts, 0, n);
        return debts[Math.min(n - 1, (int) Math.ceil(fraction * n))];
    }
}
