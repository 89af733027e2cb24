package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.time.Duration;

/**
 * A periodic HTTP probe of every endpoint, off the request path: {@code GET path} on a fresh
 * connection each {@code interval}. An endpoint is marked unhealthy after {@code unhealthyThreshold}
 * failed probes in a row (no connection, timeout, or a status outside
 * {@code expectedStatusMin..expectedStatusMax}) and healthy again after {@code healthyThreshold}
 * good ones. Endpoints start healthy.
 *
 * @param path               request path, starting with {@code /}
 * @param interval           time between probes of one endpoint
 * @param timeout            a probe that has no response head within it fails
 * @param healthyThreshold   good probes in a row that bring an unhealthy endpoint back
 * @param unhealthyThreshold failed probes in a row that take an endpoint out
 * @param expectedStatusMin  lowest status that counts as healthy
 * @param expectedStatusMax  highest status that counts as healthy
 */
public record ActiveHealthCheck(String path, Duration interval, Duration timeout, int healthyThreshold,
                                int unhealthyThreshold, int expectedStatusMin, int expectedStatusMax) {

    public ActiveHealthCheck {
        ConfigException.required(path, "path", "a path starting with /");
        check(path.startsWith("/") && path.chars().allMatch(c -> c > 0x20 && c < 0x7f), "path",
                "'" + path + "' (expected: a path starting with /, without spaces)");
        ConfigException.required(interval, "interval", "a duration");
        ConfigException.required(timeout, "timeout", "a duration");
        check(interval.toMillis() >= 10, "interval", interval + " (expected: >= 10ms)");
        check(timeout.toMillis() >= 1, "timeout", timeout + " (expected: >= 1ms)");
        check(healthyThreshold >= 1, "healthyThreshold", healthyThreshold + " (expected: >= 1)");
        check(unhealthyThreshold >= 1, "unhealthyThreshold", unhealthyThreshold + " (expected: >= 1)");
        check(expectedStatusMin >= 100 && expectedStatusMin <= 599, "expectedStatusMin", expectedStatusMin + " (expected: 100-599)");
        check(expectedStatusMax >= expectedStatusMin && expectedStatusMax <= 599, "expectedStatusMax",
                expectedStatusMax + " (expected: " + expectedStatusMin + "-599)");
    }

    /** {@code GET path} every 10 s, 2 s timeout, 2 good / 3 bad probes to switch, 200-399 healthy. */
    public static ActiveHealthCheck of(String path) {
        return new ActiveHealthCheck(path, Duration.ofSeconds(10), Duration.ofSeconds(2), 2, 3, 200, 399);
    }

    public ActiveHealthCheck withInterval(Duration v) {
        return new ActiveHealthCheck(path, v, timeout, healthyThreshold, unhealthyThreshold, expectedStatusMin, expectedStatusMax);
    }

    public ActiveHealthCheck withTimeout(Duration v) {
        return new ActiveHealthCheck(path, interval, v, healthyThreshold, unhealthyThreshold, expectedStatusMin, expectedStatusMax);
    }

    public ActiveHealthCheck withThresholds(int healthy, int unhealthy) {
        return new ActiveHealthCheck(path, interval, timeout, healthy, unhealthy, expectedStatusMin, expectedStatusMax);
    }

    public ActiveHealthCheck withExpectedStatus(int min, int max) {
        return new ActiveHealthCheck(path, interval, timeout, healthyThreshold, unhealthyThreshold, min, max);
    }
}
