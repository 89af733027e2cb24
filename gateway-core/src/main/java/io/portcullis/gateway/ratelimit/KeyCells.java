package io.portcullis.gateway.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The GCRA cells of {@link LocalRateLimiter}, one per key, at most {@code maxKeys} of them.
 *
 * <p><b>Lookup.</b> An open-addressing table (linear probing, at most half full) of {@link Cell}s,
 * read without a lock. A cell holds its key's state (one {@code long}) and, for a key of at most
 * {@value #INLINE} ISO-8859-1 characters (an IPv4 client key, for one), the key itself packed into
 * three {@code long}s: finding such a key reads one table slot and one cell, two dependent memory
 * reads where a {@code ConcurrentHashMap<String, AtomicLong>} reads five (slot, node, key string,
 * its bytes, the counter). Longer keys keep their {@code String} and compare with
 * {@link String#equals}. The slot comes from a 64-bit hash seeded at random per process, so clients
 * cannot aim keys at one run of the table (with {@link String#hashCode} they could, since a probing
 * table has no tree bins to fall back on); the hash only picks where to look: a key matches a cell
 * only if its length and every character are equal, so two keys never share a limit.
 *
 * <p><b>Bound.</b> New keys go in under one lock (rare in steady state: only the first request of a
 * key). When a new key would take the table past {@code maxKeys}, it is pruned first, on that thread
 * and under that lock (lookups of existing keys go on meanwhile): every cell back at full burst
 * (forgetting those changes no decision), then, if more than {@code maxKeys} keys are active at
 * once, the cells closest to full burst, judged from a random sample (the least leniency for the keys
 * that start again with a full burst). Pruning leaves room for a tenth of the bound, so it runs at
 * most once per {@code maxKeys / 10} new keys; it walks the table (about a millisecond per 100k
 * keys). A cell still {@link #EMPTY} (just made, about to take its first request) is never pruned, so
 * the bound can be passed by the cells being made at that instant, at most one per thread.
 *
 * <p><b>Pruning and deciding race safely.</b> A pruned cell is marked {@link #REMOVED} by a
 * compare-and-set on its state, against the very value it was judged on: a decision that changed the
 * cell meanwhile wins and the cell stays; a decider that finds it removed looks its key up again.
 */
final class KeyCells {
    /** The state of a cell that has taken no request yet. */
    static final long EMPTY = Long.MIN_VALUE;
    /** The state of a pruned cell: no longer in the table, never to be used. */
    static final long REMOVED = Long.MIN_VALUE + 1;
    /** The longest key packed into a cell: 24 characters, 8 per {@code long}. */
    static final int INLINE = 24;
    private static final int SAMPLE = 1024;
    private static final int MIN_CAPACITY = 16;
    /** The most keys a table at most half full of 2^30 slots holds; a larger {@code maxKeys} means this. */
    static final long MAX_KEYS = 1 << 29;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Cell[].class);
    private static final VarHandle STATE;
    private static final long SEED;
    private static final long MULTIPLIER;
    /** The hash's starting state per packed key length: the seed mixed with the length. */
    private static final long[] STARTS = new long[INLINE + 1];

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Cell.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        SecureRandom random = new SecureRandom();
        SEED = random.nextLong();
        MULTIPLIER = random.nextLong() | 1L << 63 | 1; // odd and large: every bit of the input moves the product
        for (int n = 0; n <= INLINE; n++) {
            STARTS[n] = mix(SEED, n);
        }
    }

    /** One key's cell: its key (packed or as a string), the key's hash, and the GCRA state. */
    static final class Cell {
        final long hash;
        final int length;
        final long w0;
        final long w1;
        final long w2;
        /** The key when not packed (longer than {@link #INLINE}, or a character above U+00FF); null when packed. */
        final String key;
        volatile long state = EMPTY;

        Cell(long hash, int length, long w0, long w1, long w2, String key) {
            this.hash = hash;
            this.length = length;
            this.w0 = w0;
            this.w1 = w1;
            this.w2 = w2;
            this.key = key;
        }

        long get() {
            return state;
        }

        boolean compareAndSet(long expected, long next) {
            return STATE.compareAndSet(this, expected, next);
        }
    }

    private final Object lock = new Object();
    private final long maxKeys;
    private final long pruneTo;
    /** Replaced whole on growth and on pruning; a cell is never moved between slots of one table. */
    private volatile Cell[] table = new Cell[MIN_CAPACITY];
    /** Cells in {@link #table}; written under {@link #lock}. */
    private volatile int count;

    KeyCells(long maxKeys) {
        this.maxKeys = Math.min(maxKeys, MAX_KEYS);
        this.pruneTo = this.maxKeys - Math.max(1, this.maxKeys / 10);
    }

    /**
     * The cell of {@code key}, made on first use (holding {@link #EMPTY}); {@code now} serves pruning.
     * A cell the caller finds {@link #REMOVED} afterwards was pruned meanwhile: ask again.
     */
    Cell cell(String key, long now) {
        int n = key.length();
        long w0 = 0;
        long w1 = 0;
        long w2 = 0;
        String unpacked = null;
        long h;
        if (n <= INLINE) {
            // eight characters to a long, little-endian; a character above U+00FF spills into its
            // neighbour's byte, but then the packing is dropped below
            int seen = 0;
            int i = 0;
            for (int end = Math.min(n, 8); i < end; i++) {
                int c = key.charAt(i);
                seen |= c;
                w0 |= (long) c << (i << 3);
            }
            for (int end = Math.min(n, 16); i < end; i++) {
                int c = key.charAt(i);
                seen |= c;
                w1 |= (long) c << ((i - 8) << 3);
            }
            for (; i < n; i++) {
                int c = key.charAt(i);
                seen |= c;
                w2 |= (long) c << ((i - 16) << 3);
            }
            if (seen > 0xFF) {
                unpacked = key; // a character beyond one byte: packing would lose it
                w0 = w1 = w2 = 0;
                h = hashChars(key, n);
            } else {
                h = mix(mix(mix(STARTS[n], w0), w1), w2);
            }
        } else {
            unpacked = key;
            h = hashChars(key, n);
        }
        Cell c = find(table, h, n, w0, w1, w2, unpacked);
        if (c != null && c.state != REMOVED) {
            return c;
        }
        return add(key, h, n, w0, w1, w2, unpacked, now);
    }

    /** The key's hash over its characters, four to a {@code long}. */
    private static long hashChars(String key, int n) {
        long h = mix(SEED, n);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            h = mix(h, key.charAt(i) | (long) key.charAt(i + 1) << 16 | (long) key.charAt(i + 2) << 32
                    | (long) key.charAt(i + 3) << 48);
        }
        long last = 0;
        for (int s = 0; i < n; i++, s += 16) {
            last |= (long) key.charAt(i) << s;
        }
        return mix(h, last);
    }

    /** One round of the hash: the 128-bit product of the state and a word, folded to 64 bits. */
    private static long mix(long h, long word) {
        long x = h ^ word;
        return x * MULTIPLIER ^ Math.multiplyHigh(x, MULTIPLIER);
    }

    private static int slot(long h, int mask) {
        return (int) (h ^ h >>> 32) & mask;
    }

    private static Cell find(Cell[] t, long h, int n, long w0, long w1, long w2, String unpacked) {
        int mask = t.length - 1;
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            Cell c = (Cell) SLOTS.getAcquire(t, i); // the cell's fields as its maker published them
            if (c == null) {
                return null;
            }
            if (c.hash == h && c.length == n
                    && (unpacked == null ? c.key == null && c.w0 == w0 && c.w1 == w1 && c.w2 == w2 : unpacked.equals(c.key))) {
                return c;
            }
        }
    }

    private Cell add(String key, long h, int n, long w0, long w1, long w2, String unpacked, long now) {
        synchronized (lock) {
            // under the lock the table holds no removed cell: pruning replaces it whole before letting go
            Cell c = find(table, h, n, w0, w1, w2, unpacked);
            if (c != null) {
                return c;
            }
            if (count >= maxKeys) {
                prune(now);
            }
            Cell[] t = table;
            if ((count + 1L) * 2 > t.length) {
                t = copy(t, t.length * 2);
                table = t;
            }
            c = new Cell(h, n, w0, w1, w2, unpacked);
            insert(t, c);
            count++;
            return c;
        }
    }

    long size() {
        return count;
    }

    private static void insert(Cell[] t, Cell c) {
        int mask = t.length - 1;
        int i = slot(c.hash, mask);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        SLOTS.setRelease(t, i, c);
    }

    /** The cells of {@code from} that are not removed, in a new table of {@code capacity} slots. */
    private static Cell[] copy(Cell[] from, int capacity) {
        Cell[] t = new Cell[capacity];
        for (Cell c : from) {
            if (c != null && c.state != REMOVED) {
                insert(t, c);
            }
        }
        return t;
    }

    /** Under the lock: down to {@link #pruneTo} cells if it can be done without touching an {@link #EMPTY} one. */
    private void prune(long now) {
        Cell[] t = table;
        Cell[] live = new Cell[count];
        int n = 0;
        for (Cell c : t) {
            if (c == null) {
                continue;
            }
            long s = c.state;
            if (s != EMPTY && s - now <= 0 && c.compareAndSet(s, REMOVED)) {
                continue; // back at full burst: forgetting it changes no decision
            }
            live[n++] = c;
        }
        long excess = n - pruneTo;
        if (excess > 0) {
            long threshold = debtQuantile(live, n, now, (double) excess / n);
            for (int i = 0; i < n && excess > 0; i++) {
                long s = live[i].state;
                if (s != EMPTY && s - now <= threshold && live[i].compareAndSet(s, REMOVED)) {
                    excess--;
                }
            }
            // the sample misjudged (ties, concurrent decisions): any cells but new ones, so the bound holds
            for (int i = 0; i < n && excess > 0; i++) {
                Cell c = live[i];
                for (long s = c.state; s != EMPTY && s != REMOVED; s = c.state) {
                    if (c.compareAndSet(s, REMOVED)) {
                        excess--;
                        break;
                    }
                }
            }
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (live[i].state != REMOVED) {
                kept++;
            }
        }
        table = copy(t, t.length);
        count = kept;
    }

    /** The debt (state minus now) below which about {@code fraction} of the cells lie, from a random sample. */
    private static long debtQuantile(Cell[] live, int n, long now, double fraction) {
        int m = Math.min(SAMPLE, n);
        long[] debts = new long[m];
        int k = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < m; i++) {
            long s = live[m == n ? i : random.nextInt(n)].state;
            if (s != EMPTY && s != REMOVED) {
                debts[k++] = s - now;
            }
        }
        if (k == 0) {
            return Long.MAX_VALUE;
        }
        Arrays.sort(debts, 0, k);
        return debts[Math.min(k - 1, (int) Math.ceil(fraction * k))];
    }
}
