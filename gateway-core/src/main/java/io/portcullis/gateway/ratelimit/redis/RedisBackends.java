package io.portcullis.gateway.ratelimit.redis;

import io.portcullis.gateway.policy.ProviderContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Redis connections of one gateway: limits naming the same URI share one multiplexed
 * connection, closed with the gateway.
 */
public final class RedisBackends {
    private final ProviderContext context;
    private final Map<String, RedisConnection> connections = new HashMap<>();

    public RedisBackends(ProviderContext context) {
        this.context = context;
    }

    /**
     * A limiter on the Redis at {@code uri} ({@code redis://}, {@code rediss://} for TLS,
     * {@code redis-sentinel://}; user and password in the URI for AUTH), {@code cluster} for Redis
     * Cluster; {@code timeout} bounds every command.
     *
     * @throws IllegalArgumentException for a URI lettuce cannot read
     */
    public synchronized RedisRateLimiter limiter(String uri, boolean cluster, Duration timeout, int queueSize,
                                                 RedisRateLimiter.Options options) {
        String key = uri + "|" + cluster + "|" + timeout + "|" + queueSize;
        RedisConnection c = connections.get(key);
        if (c == null) {
            c = new RedisConnection(uri, cluster, timeout, queueSize, context);
            context.closeOnShutdown(c);
            c.start();
            connections.put(key, c);
        }
        return new RedisRateLimiter(options, c, context.meterRegistry());
    }
}
