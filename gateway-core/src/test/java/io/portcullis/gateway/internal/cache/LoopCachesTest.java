package io.portcullis.gateway.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopCachesTest {

    @Test
    void maintenance_runsOnTheCallingThread_notOnAnotherPool() {
        List<Thread> evictedOn = new ArrayList<>();
        Cache<Integer, String> cache = LoopCaches.builder()
                .maximumSize(1)
                .removalListener((Integer k, String v, com.github.benmanes.caffeine.cache.RemovalCause cause) ->
                        evictedOn.add(Thread.currentThread()))
                .build();
        for (int i = 0; i < 10; i++) {
            cache.put(i, "v" + i);
        }
        // with Caffeine's default executor the evictions would happen (and be reported) on ForkJoinPool threads, later
        assertThat(evictedOn).hasSize(9).containsOnly(Thread.currentThread());
        assertThat(cache.estimatedSize()).isEqualTo(1);
    }
}
