package io.portcullis.gateway.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether one more request under a key fits a limit. Implementations: the in-memory
 * {@link LocalRateLimiter} (always decides at once) and the Redis backend
 * ({@link io.portcullis.gateway.ratelimit.redis.RedisRateLimiter}), which decides at once only when
 * it can (a local lease, an open circuit breaker) and otherwise asks Redis asynchronously.
 */
public interface RateLimiter {

    /** The limit as configured: {@code requests} per {@code windowSeconds}. */
    long requests();

    long windowSeconds();

    /**
     * Takes one token for {@code key} if that can be decided from memory; never blocks. Returns null
     * when the decision needs I/O: then call {@link #acquire}.
     */
    RateLimitResult tryAcquire(String key);

    /** Takes one token for {@code key}, asking the backend; the stage never completes exceptionally. */
    default CompletionStage<RateLimitResult> acquire(String key) {
        return CompletableFuture.completedFuture(tryAcquire(key));
    }
}
