package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.time.Duration;

/**
 * Connection pool limits of a cluster.
 *
 * @param maxConnectionsPerEndpoint connections open to one endpoint; shared evenly by the I/O threads
 *                                  (each thread owns its connections, so none waits on another's lock)
 * @param maxPendingRequests        requests of the whole cluster waiting for a connection because their
 *                                  endpoint is at its limit; beyond it: 503 with {@code Retry-After}
 * @param idleTimeout               an idle pooled connection is closed after it
 * @param maxRequestsPerConnection  a connection is closed after serving this many requests; 0 = no limit
 */
public record PoolLimits(int maxConnectionsPerEndpoint, int maxPendingRequests, Duration idleTimeout,
                         int maxRequestsPerConnection) {

    private static final PoolLimits DEFAULTS = new PoolLimits(1024, 1024, Duration.ofSeconds(30), 0);

    public PoolLimits {
        check(maxConnectionsPerEndpoint >= 1, "maxConnectionsPerEndpoint", maxConnectionsPerEndpoint + " (expected: >= 1)");
        check(maxPendingRequests >= 0, "maxPendingRequests", maxPendingRequests + " (expected: >= 0)");
        ConfigException.required(idleTimeout, "idleTimeout", "a duration");
        check(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout", idleTimeout + " (expected: > 0)");
        check(maxRequestsPerConnection >= 0, "maxRequestsPerConnection", maxRequestsPerConnection + " (expected: >= 0; 0 = no limit)");
    }

    /** 1024 connections per endpoint, 1024 pending requests, 30 s idle timeout, no request limit per connection. */
    public static PoolLimits defaults() {
        return DEFAULTS;
    }

    public PoolLimits withMaxConnectionsPerEndpoint(int v) {
        return new PoolLimits(v, maxPendingRequests, idleTimeout, maxRequestsPerConnection);
    }

    public PoolLimits withMaxPendingRequests(int v) {
        return new PoolLimits(maxConnectionsPerEndpoint, v, idleTimeout, maxRequestsPerConnection);
    }

    public PoolLimits withIdleTimeout(Duration v) {
        return new PoolLimits(maxConnectionsPerEndpoint, maxPendingRequests, v, maxRequestsPerConnection);
    }

    public PoolLimits withMaxRequestsPerConnection(int v) {
        return new PoolLimits(maxConnectionsPerEndpoint, maxPendingRequests, idleTimeout, v);
    }
}
