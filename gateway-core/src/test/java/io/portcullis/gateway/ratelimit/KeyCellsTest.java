package io.portcullis.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The key map under the limiter: exact key identity, the bound, pruning, and concurrent use. */
class KeyCellsTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    /** One request per minute, burst 1: a second request under the same limit is refused. */
    private LocalRateLimiter oneShot(long maxKeys) {
        return LocalRateLimiter.of(1, Duration.ofMinutes(1), 1, maxKeys, now::get);
    }

    @Test
    void keysWithTheSameStringHashCode_haveTheirOwnLimits() {
        String[] keys = {"Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB", "ip:AaAaAaAaAaAaAaAaAaAaAaAa", "ip:BBBBBBBBBBBBBBBBBBBBBBBB"};
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat(keys[6].hashCode()).isEqualTo(keys[7].hashCode()); // long keys collide too
        LocalRateLimiter l = oneShot(1000);
        for (String k : keys) {
            assertThat(l.tryAcquire(k).allowed()).as(k).isTrue();
        }
        for (String k : keys) {
            assertThat(l.tryAcquire(k).allowed()).as(k).isFalse();
        }
    }

    @Test
    void keysThatLookAlike_butDiffer_haveTheirOwnLimits() {
        String[] keys = {
            "", "a", "a\0", "b\0", "\0", "\0\0",                // lengths apart, zero padding
            "A", "\u0141", "\u0100A", "\u00ff",               // U+0141's low byte is 'A'
            "x".repeat(24), "x".repeat(25), "x".repeat(23) + "y", "x".repeat(24) + "y", "y" + "x".repeat(24),
            "ip:10.0.0.1", "ip:10.0.0.10", "ip:10.0.0.1\0", "ip:255.255.255.255", "ip:255.255.255.254",
            "ip:2001:db8::1", "ip:2001:db8:85a3::8a2e:370:7334", "ip:2001:db8:85a3::8a2e:370:7335",
            "\u00e9t\u00e9", "\u0117t\u0117",                   // Latin-1 and not, same low bytes
        };
        LocalRateLimiter l = oneShot(1000);
        for (String k : keys) {
            assertThat(l.tryAcquire(k).allowed()).as("first request of %s", k).isTrue();
        }
        for (String k : keys) {
            assertThat(l.tryAcquire(new String(k.toCharArray())).allowed()).as("second request of %s (an equal copy)", k).isFalse();
        }
        assertThat(l.trackedKeys()).isEqualTo(keys.length);
    }

    @Test
    void theBoundHoldsAfterEveryNewKey() {
        LocalRateLimiter l = oneShot(500);
        for (int i = 0; i < 20_000; i++) {
            l.decide("k" + i);
            if (i % 7 == 0) {
                now.addAndGet(Duration.ofSeconds(1).toNanos()); // some keys come back to full burst
            }
            assertThat(l.trackedKeys()).as("after key %d", i).isLessThanOrEqualTo(500);
        }
    }

    @Test
    void aNewCell_isNeverPruned() {
        KeyCells cells = new KeyCells(10);
        AtomicLong fresh = cells.cell("fresh", now.get()); // EMPTY: about to take its first request
        AtomicLong idle = cells.cell("idle", now.get());
        idle.set(now.get() - 1); // back at full burst
        List<AtomicLong> busy = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            AtomicLong c = cells.cell("busy-" + i, now.get());
            c.set(now.get() + 1_000 * (i + 1));
            busy.add(c);
        }
        assertThat(cells.size()).isLessThanOrEqualTo(10);
        assertThat(fresh.get()).isEqualTo(KeyCells.EMPTY);
        assertThat(cells.cell("fresh", now.get())).isSameAs(fresh);
        assertThat(cells.cell("idle", now.get())).as("forgotten first: back at full burst").isNotSameAs(idle);
        // the active key with the most debt, the last, kept its cell
        assertThat(cells.cell("busy-19", now.get())).isSameAs(busy.get(19));
    }

    @Test
    void aForgottenKey_startsAgainWithOneCell() {
        LocalRateLimiter l = LocalRateLimiter.of(2, Duration.ofMinutes(1), 2, 10, now::get);
        assertThat(l.tryAcquire("k").allowed()).isTrue();
        now.addAndGet(Duration.ofMinutes(5).toNanos()); // "k" is back at full burst: the next prune forgets it
        for (int i = 0; i < 10; i++) {
            l.tryAcquire("other-" + i);
        }
        assertThat(l.tryAcquire("k").allowed()).isTrue();
        assertThat(l.tryAcquire("k").allowed()).isTrue();
        assertThat(l.tryAcquire("k").allowed()).isFalse(); // one cell again, holding both requests
    }

    @Test
    void concurrentFirstRequests_makeOneCellPerKey() throws Exception {
        // time frozen, burst 3, room for every key: each key admits exactly 3 however the threads race
        // through adding keys and growing the table (two cells for one key would admit more)
        LocalRateLimiter l = LocalRateLimiter.of(3, Duration.ofMinutes(1), 3, 100_000, now::get);
        int keys = 20_000;
        AtomicIntegerArray admitted = new AtomicIntegerArray(keys);
        runThreads(4, t -> {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < keys; i++) {
                    int k = (i * 7 + t * 5_003) % keys;
                    if (l.tryAcquire("key-" + k).allowed()) {
                        admitted.incrementAndGet(k);
                    }
                }
            }
        });
        for (int k = 0; k < keys; k++) {
            assertThat(admitted.get(k)).as("key-%d", k).isEqualTo(3);
        }
        assertThat(l.trackedKeys()).isEqualTo(keys);
    }

    @Test
    void concurrentDecisionsWhilePruning_stayWithinTheBound() throws Exception {
        LocalRateLimiter l = LocalRateLimiter.of(1, Duration.ofMillis(1), 1, 1_000, now::get);
        AtomicInteger decisions = new AtomicInteger();
        runThreads(4, t -> {
            for (int i = 0; i < 50_000; i++) {
                l.decide("t" + t + "-" + (i % 3_000));
                decisions.incrementAndGet();
                if ((i & 63) == 0) {
                    now.addAndGet(Duration.ofMillis(1).toNanos());
                }
            }
        });
        assertThat(decisions.get()).isEqualTo(200_000);
        // while one thread prunes, the others may add keys past the bound; the next new key prunes them
        l.decide("last");
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(1_000);
    }

    private interface Work {
        void run(int thread);
    }

    private static void runThreads(int n, Work work) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    work.run(id);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aPrunedCell_isRetiredForWhoeverStillHoldsIt_andTheKeyGetsAFreshOne() {
        KeyCells cells = new KeyCells(10);
        long t = now.get();
        AtomicLong held = cells.cell("held", t); // a request looked it up...
        held.set(t - 1); // ...and the cell is back at full burst: the first to be pruned
        for (int i = 0; i < 10; i++) {
            cells.cell("other-" + i, t).set(t + 1_000_000); // active keys, in debt
        }
        assertThat(held.get()).as("a request still holding the pruned cell cannot record itself in it")
                .isEqualTo(KeyCells.RETIRED);
        AtomicLong fresh = cells.cell("held", t);
        assertThat(fresh).isNotSameAs(held);
        assertThat(fresh.get()).isEqualTo(KeyCells.EMPTY);
        assertThat(cells.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void aDecisionOnARetiredCell_looksTheKeyUpAgain_andCounts() {
        LocalRateLimiter l = oneShot(5);
        assertThat(l.tryAcquire("k").allowed()).isTrue();
        now.addAndGet(Duration.ofMinutes(2).toNanos()); // "k" is back at full burst: prunable
        for (int i = 0; i < 5; i++) {
            assertThat(l.tryAcquire("new-" + i).allowed()).isTrue(); // the fifth new key prunes "k"
        }
        assertThat(l.tryAcquire("k").allowed()).isTrue();
        assertThat(l.tryAcquire("k").allowed()).as("the request above was recorded in the key's new cell").isFalse();
    }
}
