package io.portcullis.client;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** 429: over a rate limit, and retrying (if allowed) did not get through before the deadline or budget ran out. */
public class RateLimitedException extends PortcullisException {
    private final Duration retryAfter;
    private final transient List<RateLimitInfo> limits;

    public RateLimitedException(String message, String requestId, Problem problem, HttpHeaders headers,
                                Duration retryAfter, List<RateLimitInfo> limits) {
        super(message, 429, requestId, problem, headers, null);
        this.retryAfter = retryAfter;
        this.limits = List.copyOf(limits);
    }

    /** How long the server asked to wait ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The limits from {@code RateLimit-Policy} / {@code RateLimit}, possibly empty. */
    public List<RateLimitInfo> limits() {
        return limits;
    }
}
