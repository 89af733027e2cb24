package io.portcullis.gateway.ratelimit;

/**
 * Decides whether one more request under a key fits a limit. Implementations: the in-memory
 * {@link LocalRateLimiter}; a Redis backend shares the SPI (later issue).
 */
public interface RateLimiter {

    /** The limit as configured: {@code requests} per {@code windowSeconds}. */
    long requests();

    long windowSeconds();

    /** Takes one token for {@code key} if one is free; never blocks. */
    RateLimitResult tryAcquire(String key);
}
