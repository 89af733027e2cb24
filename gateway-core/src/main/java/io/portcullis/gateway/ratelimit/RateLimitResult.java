package io.portcullis.gateway.ratelimit;

/**
 * One rate-limit decision, with everything the response headers need.
 *
 * @param allowed          whether the request is admitted
 * @param remaining        requests that would still be admitted right now
 * @param resetNanos       time until the limiter is back to its full burst
 * @param retryAfterNanos  when denied: time until one request would be admitted; 0 when allowed
 */
public record RateLimitResult(boolean allowed, long remaining, long resetNanos, long retryAfterNanos) {
}
