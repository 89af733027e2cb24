package io.portcullis.gateway.ratelimit.redis;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.portcullis.gateway.internal.cache.LoopCaches;
import io.portcullis.gateway.ratelimit.LocalRateLimiter;
import io.portcullis.gateway.ratelimit.RateLimitResult;
import io.portcullis.gateway.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One limit shared by every gateway node through Redis: GCRA in a Lua script on the Redis server's
 * clock, keys that expire by themselves. Two modes:
 * <ul>
 *   <li>{@code direct}: one asynchronous round trip per decision; exact across nodes.</li>
 *   <li>{@code lease}: a node takes up to {@code leaseSize} tokens of a key in one round trip and
 *       admits locally until they are used or {@code leaseTtl} passes, so most decisions need no
 *       round trip. Tokens are taken from Redis before they are used, so the limit is never
 *       exceeded over the long run; a node may spend tokens it leased up to {@code leaseTtl}
 *       earlier, so within one window the excess is at most
 *       {@code min(nodes * (leaseSize - 1), rate * leaseTtl)}.</li>
 * </ul>
 * When Redis fails or is slow (command timeout), a circuit breaker opens for {@code breakerWindow}
 * and decisions follow the failure policy at once: admit ({@code open}), refuse with 503
 * ({@code closed}) or decide with an in-memory limiter of the same limit on this node
 * ({@code local}).
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);

    /** How decisions are made. */
    public enum Mode { DIRECT, LEASE }

    /** What happens while Redis cannot be asked. */
    public enum OnFailure { OPEN, CLOSED, LOCAL }

    /** The settings of one limit. */
    public record Options(String name, long requests, Duration window, long burst, Mode mode, int leaseSize,
                          Duration leaseTtl, OnFailure onFailure, Duration breakerWindow, long maxKeys) {
    }

    private final Options o;
    private final RedisConnection redis;
    private final String keyPrefix;
    private final long intervalMicros;
    private final long toleranceMicros;
    private final CircuitBreaker breaker;
    private final LocalRateLimiter fallback;
    private final Cache<String, Lease> leases;
    private final Counter allowed;
    private final Counter denied;
    private final Counter failedOpen;
    private final Counter failedClosed;
    private final Counter fellBack;
    private final Counter leaseHits;
    private final Counter redisCalls;
    private final Timer latency;
    private final AtomicBoolean disconnectedLogged = new AtomicBoolean();

    RedisRateLimiter(Options options, RedisConnection redis, MeterRegistry meters) {
        this.o = options;
        this.redis = redis;
        this.keyPrefix = "portcullis:rl:" + options.name() + ":";
        long windowMicros = TimeUnit.NANOSECONDS.toMicros(options.window().toNanos());
        this.intervalMicros = Math.max(1, windowMicros / options.requests());
        this.toleranceMicros = Math.multiplyExact(options.burst(), intervalMicros);
        this.breaker = new CircuitBreaker(options.breakerWindow().toNanos(), System::nanoTime);
        this.fallback = options.onFailure() == OnFailure.LOCAL
                ? LocalRateLimiter.of(options.requests(), options.window(), options.burst(), options.maxKeys()) : null;
        this.leases = options.mode() == Mode.LEASE
                ? LoopCaches.builder().maximumSize(options.maxKeys()).expireAfterWrite(options.leaseTtl()).build() : null;
        String limit = options.name();
        this.allowed = decisions(meters, limit, "allowed");
        this.denied = decisions(meters, limit, "denied");
        this.failedOpen = decisions(meters, limit, "failed_open");
        this.failedClosed = decisions(meters, limit, "failed_closed");
        this.fellBack = decisions(meters, limit, "fallback");
        this.leaseHits = decisions(meters, limit, "lease");
        this.redisCalls = Counter.builder("portcullis.ratelimit.redis.calls").tag("limit", limit).register(meters);
        this.latency = Timer.builder("portcullis.ratelimit.redis.latency").tag("limit", limit)
                .publishPercentiles(0.5, 0.99).register(meters);
        Gauge.builder("portcullis.ratelimit.redis.breaker", breaker, CircuitBreaker::state).tag("limit", limit)
                .description("0 closed, 1 open, 2 half-open").register(meters);
    }

    private static Counter decisions(MeterRegistry meters, String limit, String outcome) {
        return Counter.builder("portcullis.ratelimit.decisions").tag("limit", limit).tag("outcome", outcome).register(meters);
    }

    @Override
    public long requests() {
        return o.requests();
    }

    @Override
    public long windowSeconds() {
        return Math.max(1, o.window().toSeconds());
    }

    @Override
    public RateLimitResult tryAcquire(String key) {
        if (leases != null) {
            Lease lease = leases.getIfPresent(key);
            RateLimitResult r = lease == null ? null : lease.take(intervalMicros);
            if (r != null) {
                leaseHits.increment();
                return r;
            }
        }
        if (!breaker.allow()) {
            return failure(key);
        }
        return null;
    }

    @Override
    public CompletionStage<RateLimitResult> acquire(String key) {
        if (!redis.connected()) {
            // commands would be refused at once anyway: decide now, without a round trip to count
            logDisconnected();
            return CompletableFuture.completedFuture(failure(key));
        }
        long start = System.nanoTime();
        long want = leases == null ? 1 : o.leaseSize();
        redisCalls.increment();
        CompletableFuture<List<Object>> call;
        try {
            call = redis.gcra(keyPrefix + key, intervalMicros, toleranceMicros, want);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((reply, err) -> {
            if (err != null) {
                // while disconnected, commands are refused at once: nothing to protect against, and
                // leaving the breaker closed lets the limit apply again the moment lettuce reconnects
                if (!redis.connected()) {
                    logDisconnected();
                    return failure(key);
                }
                if (breaker.failure()) {
                    LOG.warn("Rate limit '{}': {} failed ({}); for {} ms decisions follow onFailure={}", o.name(), redis.name(),
                            RedisConnection.rootMessage(err), o.breakerWindow().toMillis(), o.onFailure());
                }
                return failure(key);
            }
            breaker.success();
            disconnectedLogged.set(false);
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            long granted = (Long) reply.get(0);
            long remaining = (Long) reply.get(1);
            long resetNanos = TimeUnit.MICROSECONDS.toNanos((Long) reply.get(2));
            if (granted == 0) {
                denied.increment();
                return new RateLimitResult(false, 0, resetNanos, TimeUnit.MICROSECONDS.toNanos((Long) reply.get(3)));
            }
            allowed.increment();
            if (granted > 1) {
                leases.put(key, new Lease(granted - 1, remaining, resetNanos));
            }
            return new RateLimitResult(true, remaining + granted - 1, resetNanos, 0);
        });
    }

    private void logDisconnected() {
        if (disconnectedLogged.compareAndSet(false, true)) {
            LOG.warn("Rate limit '{}': {} is not connected; decisions follow onFailure={} until it is",
                    o.name(), redis.name(), o.onFailure());
        }
    }

    private RateLimitResult failure(String key) {
        return switch (o.onFailure()) {
            case OPEN -> {
                failedOpen.increment();
                yield new RateLimitResult(true, o.burst() - 1, 0, 0);
            }
            case CLOSED -> {
                failedClosed.increment();
                yield new RateLimitResult(false, 0, 0, Math.max(TimeUnit.SECONDS.toNanos(1), breaker.remainingNanos()), true);
            }
            case LOCAL -> {
                fellBack.increment();
                yield fallback.tryAcquire(key);
            }
        };
    }

    /** Tokens of one key this node took from Redis ahead of use. */
    static final class Lease {
        private final AtomicLong tokens;
        private final long remainingAtGrant;
        private final long resetNanosAtGrant;
        private final long grantedAt = System.nanoTime();

        Lease(long tokens, long remainingAtGrant, long resetNanosAtGrant) {
            this.tokens = new AtomicLong(tokens);
            this.remainingAtGrant = remainingAtGrant;
            this.resetNanosAtGrant = resetNanosAtGrant;
        }

        /** One token, or null when the lease is used up. Header values are estimates from the grant. */
        RateLimitResult take(long intervalMicros) {
            long left = tokens.getAndDecrement();
            if (left <= 0) {
                tokens.incrementAndGet();
                return null;
            }
            long elapsed = System.nanoTime() - grantedAt;
            long reset = Math.max(0, resetNanosAtGrant - elapsed);
            return new RateLimitResult(true, remainingAtGrant + left - 1, reset, 0);
        }
    }
}
