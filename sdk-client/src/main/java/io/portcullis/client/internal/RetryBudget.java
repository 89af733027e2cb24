package io.portcullis.client.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Retries as a token bucket (Finagle's and gRPC's idea): each first attempt deposits {@code ratio},
 * each retry withdraws one, the balance is capped at {@code reserve}. When every call fails, retries
 * stay near {@code ratio} of the traffic instead of multiplying it by the attempt count.
 */
public final class RetryBudget {
    private static final long UNIT = 1000; // milli-tokens
    private final long perRequest;
    private final long cap;
    private final AtomicLong balance;

    public RetryBudget(double ratio, int reserve) {
        this.perRequest = Math.round(ratio * UNIT);
        this.cap = Math.max((long) reserve * UNIT, UNIT);
        this.balance = new AtomicLong(cap);
    }

    public void deposit() {
        balance.accumulateAndGet(perRequest, (b, d) -> Math.min(cap, b + d));
    }

    public boolean tryWithdraw() {
        while (true) {
            long b = balance.get();
            if (b < UNIT) {
                return false;
            }
            if (balance.compareAndSet(b, b - UNIT)) {
                return true;
            }
        }
    }
}
