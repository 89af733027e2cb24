package io.portcullis.gateway.ratelimit;

/**
 * One rate-limit decision, with everything the response headers need.
 *
 * @param allowed          whether the request is admitted
 * @param remaining        requests that would still be admitted right now
 * @param resetNanos       time until the limiter is back to its full burst
 * @param retryAfterNanos  when denied: time until one request would be admitted; 0 when allowed
 * @param unavailable      the limiter could not decide (its backend is down) and is configured to
 *                         refuse: the request gets 503, not 429
 */
public record RateLimitResult(boolean allowed, long remaining, long resetNanos, long retryAfterNanos, boolean unavailable) {

    /** A decision the limiter made. */
    public RateLimitResult(boolean allowed, long remaining, long resetNanos, long retryAfterNanos) {
        this(allowed, remaining, resetNanos, retryAfterNanos, false);
    }
}
