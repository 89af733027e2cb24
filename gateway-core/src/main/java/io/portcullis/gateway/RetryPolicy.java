package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

/**
 * When a failed attempt is tried again, on another endpoint of the cluster. Only failures before any
 * response byte qualify: a connect failure (or connect timeout, or TLS handshake failure: nothing of
 * the request was sent, so any method is retried), or a connection reset before the response for an
 * idempotent method (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) without a request body (a body already
 * streamed upstream cannot be sent again). A 5xx response or a response timeout is never retried.
 *
 * <p>The budget keeps retries from multiplying load during an outage: over a sliding 10 s window,
 * retries may be at most {@code budgetPercent} % of the cluster's requests plus
 * {@code minRetriesPerSecond} per second.
 *
 * @param maxRetries          retries per request (each on an endpoint not tried yet); 0 disables retries
 * @param budgetPercent       retries allowed as a share of requests, 0-100
 * @param minRetriesPerSecond retries always allowed per second, whatever the traffic
 */
public record RetryPolicy(int maxRetries, int budgetPercent, int minRetriesPerSecond) {

    private static final RetryPolicy DEFAULTS = new RetryPolicy(2, 20, 3);

    public RetryPolicy {
        check(maxRetries >= 0 && maxRetries <= 10, "maxRetries", maxRetries + " (expected: 0-10)");
        check(budgetPercent >= 0 && budgetPercent <= 100, "budgetPercent", budgetPercent + " (expected: 0-100)");
        check(minRetriesPerSecond >= 0, "minRetriesPerSecond", minRetriesPerSecond + " (expected: >= 0)");
    }

    /** 2 retries, budget 20 % of requests, at least 3 per second. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    public static RetryPolicy none() {
        return new RetryPolicy(0, DEFAULTS.budgetPercent, DEFAULTS.minRetriesPerSecond);
    }
}
