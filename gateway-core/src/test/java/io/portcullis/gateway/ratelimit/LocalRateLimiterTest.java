package io.portcullis.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** GCRA admission counts with a controlled clock: exact, not sleepy. */
class LocalRateLimiterTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    private LocalRateLimiter limiter(long requests, Duration per, long burst) {
        return LocalRateLimiter.of(requests, per, burst, 100_000, now::get);
    }

    @Test
    void burstThenSustainedRate() {
        LocalRateLimiter l = limiter(100, Duration.ofMinutes(1), 100);
        for (int i = 0; i < 100; i++) {
            RateLimitResult r = l.tryAcquire("k");
            assertThat(r.allowed()).as("request %d", i).isTrue();
            assertThat(r.remaining()).isEqualTo(99 - i);
        }
        RateLimitResult denied = l.tryAcquire("k");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterNanos()).isEqualTo(Duration.ofMillis(600).toNanos());
        now.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(l.tryAcquire("k").allowed()).isTrue();
        assertThat(l.tryAcquire("k").allowed()).isFalse();
    }

    @Test
    void primitiveDecisionCarriesTheWholeResult() {
        LocalRateLimiter l = limiter(10, Duration.ofSeconds(10), 3); // one request per second, burst 3
        long first = l.decide("k");
        assertThat(LocalRateLimiter.admitted(first)).isTrue();
        assertThat(l.result(first)).isEqualTo(new RateLimitResult(true, 2, Duration.ofSeconds(1).toNanos(), 0));
        l.decide("k");
        long third = l.decide("k");
        assertThat(l.result(third)).isEqualTo(new RateLimitResult(true, 0, Duration.ofSeconds(3).toNanos(), 0));
        now.addAndGet(Duration.ofMillis(250).toNanos());
        long refused = l.decide("k");
        assertThat(LocalRateLimiter.admitted(refused)).isFalse();
        // the key is 2.75 s ahead: back to a full burst in 2.75 s, one request fits in 0.75 s
        assertThat(l.result(refused)).isEqualTo(new RateLimitResult(false, 0, Duration.ofMillis(2750).toNanos(),
                Duration.ofMillis(750).toNanos()));
        assertThat(l.tryAcquire("k")).isEqualTo(l.result(refused)); // a refusal takes nothing
    }

    @Test
    void keysAreIsolated() {
        LocalRateLimiter l = limiter(2, Duration.ofSeconds(10), 2);
        assertThat(l.tryAcquire("a").allowed()).isTrue();
        assertThat(l.tryAcquire("a").allowed()).isTrue();
        assertThat(l.tryAcquire("a").allowed()).isFalse();
        assertThat(l.tryAcquire("b").allowed()).isTrue();
    }

    @Test
    void fullWindowRefillsTheBurst() {
        LocalRateLimiter l = limiter(25, Duration.ofMinutes(1), 25);
        for (int i = 0; i < 25; i++) {
            l.tryAcquire("k");
        }
        assertThat(l.tryAcquire("k").allowed()).isFalse();
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        int admitted = 0;
        while (l.tryAcquire("k").allowed()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(25);
    }

    @Test
    void concurrentCallers_neverExceedTheBurstInOneInstant() throws Exception {
        LocalRateLimiter l = limiter(1000, Duration.ofMinutes(1), 1000);
        int threads = 4;
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 2000; i++) {
                    if (l.tryAcquire("shared").allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertThat(admitted.get()).isEqualTo(1000); // time is frozen: exactly the burst, never more
    }

    @Test
    void aFullKeyMap_forgetsKeysBackAtFullBurstFirst() {
        LocalRateLimiter l = LocalRateLimiter.of(1, Duration.ofMinutes(1), 1, 1000, now::get);
        for (int i = 0; i < 600; i++) {
            assertThat(l.tryAcquire("old-" + i).allowed()).isTrue();
        }
        now.addAndGet(Duration.ofMinutes(2).toNanos()); // the old keys are back at full burst
        for (int i = 0; i < 600; i++) {
            assertThat(l.tryAcquire("new-" + i).allowed()).isTrue(); // past 1000 keys: a prune
        }
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(1000);
        for (int i = 0; i < 600; i++) {
            assertThat(l.tryAcquire("new-" + i).allowed()).as("new-%d kept its state", i).isFalse();
        }
    }

    @Test
    void tooManyActiveKeys_forgetTheOnesClosestToFullBurst() {
        LocalRateLimiter l = LocalRateLimiter.of(1, Duration.ofMinutes(1), 1, 100, now::get);
        for (int i = 0; i < 90; i++) {
            l.tryAcquire("early-" + i); // 60 s of debt each
        }
        now.addAndGet(Duration.ofSeconds(30).toNanos()); // early keys: 30 s of debt left
        for (int i = 0; i < 20; i++) {
            l.tryAcquire("late-" + i); // 60 s of debt; key 101 prunes
        }
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(100);
        for (int i = 0; i < 20; i++) {
            assertThat(l.tryAcquire("late-" + i).allowed()).as("late-%d kept its state", i).isFalse();
        }
        int forgotten = 0;
        for (int i = 0; i < 90; i++) {
            if (l.tryAcquire("early-" + i).allowed()) {
                forgotten++; // started again with a full burst
            }
        }
        assertThat(forgotten).as("the prune made room for a tenth of the bound, from early keys only").isGreaterThanOrEqualTo(11);
    }

    @Test
    void aMillionDistinctKeys_stayWithinTheKeyBound() {
        LocalRateLimiter l = LocalRateLimiter.of(10, Duration.ofMinutes(1), 10, 10_000, now::get);
        for (int i = 0; i < 1_000_000; i++) {
            l.tryAcquire("key-" + i);
        }
        l.tryAcquire("last");
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(10_000 + 100);
    }
}
