package io.portcullis.client;

import java.time.Duration;

/**
 * One limit from the IETF draft {@code RateLimit-Policy} / {@code RateLimit} response headers, e.g.
 * {@code RateLimit-Policy: "api";q=100;w=60} and {@code RateLimit: "api";r=0;t=20}. Values the
 * server did not send are -1 (or null).
 *
 * @param name      the policy name (the quoted item), null if unnamed
 * @param quota     requests allowed per window ({@code q}), -1 if unknown
 * @param window    the window ({@code w}), null if unknown
 * @param remaining requests left now ({@code r}), -1 if unknown
 * @param reset     until the quota is back ({@code t}), null if unknown
 */
public record RateLimitInfo(String name, long quota, Duration window, long remaining, Duration reset) {
}
