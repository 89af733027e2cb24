package io.portcullis.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how a call is retried. Retried: 429 and 503 (waiting what {@code Retry-After}, or an
 * exhausted {@code RateLimit} {@code t=}, says), and failures to connect. Only idempotent methods
 * (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) or requests marked retryable (an {@code Idempotency-Key})
 * are retried: a POST is never sent twice unless the caller said it may be. Without a server hint the
 * wait is exponential backoff with full jitter. A wait longer than {@link #maxRetryAfter()} or past the
 * call's deadline is not taken: the error is thrown at once. A retry budget shared by all calls of a
 * client stops retries from multiplying load when a service is down.
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final double budgetRatio;
    private final int budgetReserve;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxRetryAfter = b.maxRetryAfter;
        this.budgetRatio = b.budgetRatio;
        this.budgetReserve = b.budgetReserve;
    }

    /** 3 attempts, backoff from 100 ms to 5 s, Retry-After honoured up to 30 s, budget 20% + 10. */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** One attempt, never retried (a 401 is still retried once with a fresh token). */
    public static RetryPolicy none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** Retries allowed per first attempt, across the client (0.2: at most one retry per five calls, over time). */
    public double budgetRatio() {
        return budgetRatio;
    }

    /** Retries the budget starts with and may hold at most, so a quiet client can still retry. */
    public int budgetReserve() {
        return budgetReserve;
    }

    /** Builds a {@link RetryPolicy}; every value is checked when set. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration maxRetryAfter = Duration.ofSeconds(30);
        private double budgetRatio = 0.2;
        private int budgetReserve = 10;

        private Builder() {
        }

        /** Attempts in all, the first included (>= 1). */
        public Builder maxAttempts(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxAttempts: " + v + " (expected: >= 1)");
            }
            maxAttempts = v;
            return this;
        }

        public Builder initialBackoff(Duration v) {
            initialBackoff = positive(v, "initialBackoff");
            return this;
        }

        public Builder maxBackoff(Duration v) {
            maxBackoff = positive(v, "maxBackoff");
            return this;
        }

        /** The longest {@code Retry-After} the client waits; longer: the error at once. */
        public Builder maxRetryAfter(Duration v) {
            maxRetryAfter = Objects.requireNonNull(v, "maxRetryAfter");
            if (v.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter: " + v + " (expected: >= 0)");
            }
            return this;
        }

        public Builder budget(double ratio, int reserve) {
            if (!(ratio >= 0) || reserve < 0) {
                throw new IllegalArgumentException("budget: " + ratio + ", " + reserve + " (expected: >= 0)");
            }
            budgetRatio = ratio;
            budgetReserve = reserve;
            return this;
        }

        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff "
                        + initialBackoff + ")");
            }
            return new RetryPolicy(this);
        }

        private static Duration positive(Duration v, String name) {
            Objects.requireNonNull(v, name);
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
            }
            return v;
        }
    }
}
