package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.time.Duration;

/**
 * Outlier ejection from live traffic: an endpoint that fails {@code consecutiveFailures} times in a
 * row (connect failure, connection reset or timeout, or a 5xx response) is taken out of rotation for
 * {@code baseEjectionTime}, doubled on each repeat ejection up to {@code maxEjectionTime}; it comes back
 * when that time is over. The repeat count is forgotten once an endpoint has stayed in rotation for
 * {@code maxEjectionTime}.
 *
 * @param consecutiveFailures failures in a row that eject; 0 disables passive health
 * @param baseEjectionTime    first ejection's length
 * @param maxEjectionTime     longest ejection
 * @param maxEjectionPercent  at most this share of the cluster's endpoints is ejected at once (rounded
 *                            down: with the default 50 %, a single-endpoint cluster is never ejected)
 */
public record PassiveHealth(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
                            int maxEjectionPercent) {

    private static final PassiveHealth DEFAULTS = new PassiveHealth(5, Duration.ofSeconds(10), Duration.ofSeconds(300), 50);

    public PassiveHealth {
        check(consecutiveFailures >= 0, "consecutiveFailures", consecutiveFailures + " (expected: >= 0; 0 = off)");
        ConfigException.required(baseEjectionTime, "baseEjectionTime", "a duration");
        ConfigException.required(maxEjectionTime, "maxEjectionTime", "a duration");
        check(!baseEjectionTime.isNegative() && !baseEjectionTime.isZero(), "baseEjectionTime",
                baseEjectionTime + " (expected: > 0)");
        check(maxEjectionTime.compareTo(baseEjectionTime) >= 0, "maxEjectionTime",
                maxEjectionTime + " (expected: >= baseEjectionTime " + baseEjectionTime + ")");
        check(maxEjectionPercent >= 0 && maxEjectionPercent <= 100, "maxEjectionPercent",
                maxEjectionPercent + " (expected: 0-100)");
    }

    /** 5 consecutive failures, 10 s base ejection, 300 s max, at most 50 % of the endpoints. */
    public static PassiveHealth defaults() {
        return DEFAULTS;
    }

    /** Never ejects. */
    public static PassiveHealth off() {
        return new PassiveHealth(0, DEFAULTS.baseEjectionTime, DEFAULTS.maxEjectionTime, DEFAULTS.maxEjectionPercent);
    }
}
