package io.portcullis.gateway.ratelimit;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.policy.AttrKey;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;
import io.portcullis.gateway.ratelimit.redis.RedisBackends;
import io.portcullis.gateway.ratelimit.redis.RedisRateLimiter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code type: rate-limit}: one limit, in memory ({@link LocalRateLimiter}). Several
 * {@code rate-limit} policies on a route are several limits, all of which must admit a request.
 *
 * <p>Settings: {@code requests} (required) per {@code per} (required, e.g. {@code 1m}),
 * {@code burst} (default {@code requests}), {@code key}: {@code client-ip} (default; the real
 * client behind trusted proxies), {@code header:<name>}, {@code principal} (the authenticated
 * subject), {@code claim:<name>} (a claim of the principal, e.g. {@code claim:tenant} from a JWT or
 * {@code claim:keyId} for API keys) or {@code route} (one bucket for everybody); a request without
 * the header, principal or claim is limited by its client address instead. {@code name} (default {@code <requests>-per-<per>}),
 * {@code maxKeys} (100000), {@code legacyHeaders} (false: also send {@code X-RateLimit-*}).
 * {@code backend: redis} shares the limit across nodes ({@link RedisRateLimiter}; settings
 * {@code redis}, {@code redisCluster}, {@code redisTimeout}, {@code redisQueueSize}, {@code mode},
 * {@code leaseSize}, {@code leaseTtl}, {@code onFailure}, {@code breakerWindow}; {@code name} is
 * then required).
 *
 * <p>A denied request gets 429 problem+json with {@code Retry-After}. Every response of the route
 * carries the IETF httpapi draft's {@code RateLimit-Policy: "name";q=100;w=60} and
 * {@code RateLimit: "name";r=42;t=30}, all from the same limiter decision. A limiter that cannot
 * decide and is configured to refuse answers 503 with {@code Retry-After}.
 */
public final class RateLimitProvider implements PolicyProvider {
    static final AsciiString RATELIMIT = AsciiString.cached("ratelimit");
    static final AsciiString RATELIMIT_POLICY = AsciiString.cached("ratelimit-policy");
    static final AsciiString X_LIMIT = AsciiString.cached("x-ratelimit-limit");
    static final AsciiString X_REMAINING = AsciiString.cached("x-ratelimit-remaining");
    static final AsciiString X_RESET = AsciiString.cached("x-ratelimit-reset");

    /** The Redis limits use when their settings name none. */
    public static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";

    private final String defaultRedisUri;
    private final boolean defaultRedisCluster;

    /** The provider {@link java.util.ServiceLoader} finds: Redis at {@value #DEFAULT_REDIS_URI} unless a limit names one. */
    public RateLimitProvider() {
        this(DEFAULT_REDIS_URI, false);
    }

    /**
     * A provider whose {@code backend: redis} limits that name no {@code redis} (and no
     * {@code redisCluster}) use this Redis: how an embedding application hands over its own
     * connection settings (the Spring starter does, from Spring Data Redis). Give it to the gateway
     * in code ({@code Gateway.Builder.policyProvider}); it replaces the found one.
     *
     * @param redisUri a Redis URI as in the {@code redis} setting, e.g. {@code rediss://:secret@cache:6380/2}
     * @param cluster  whether that URI names a Redis Cluster node
     */
    public RateLimitProvider(String redisUri, boolean cluster) {
        ConfigException.check(redisUri != null && !redisUri.isBlank(), "redis",
                "empty (expected: a Redis URI such as redis://127.0.0.1:6379)");
        this.defaultRedisUri = redisUri;
        this.defaultRedisCluster = cluster;
    }

    /** The Redis URI of limits that name none. */
    public String defaultRedisUri() {
        return defaultRedisUri;
    }

    /** Whether {@link #defaultRedisUri()} is a Redis Cluster. */
    public boolean defaultRedisCluster() {
        return defaultRedisCluster;
    }

    @Override
    public String type() {
        return "rate-limit";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        long requests = spec.number("requests", -1, 1, 1_000_000_000);
        ConfigException.check(requests > 0, "settings.requests", "missing (expected: requests per window, e.g. 100)");
        Duration per = spec.duration("per", null);
        ConfigException.check(per != null, "settings.per", "missing (expected: a window such as 1s, 1m, 1h)");
        ConfigException.check(per.toMillis() >= 1, "settings.per", per + " (expected: at least 1ms)");
        long burst = spec.number("burst", requests, 1, 1_000_000_000);
        long maxKeys = spec.number("maxKeys", 100_000, 1, 100_000_000);
        String key = spec.string("key", "client-ip");
        ConfigException.check(key.equals("client-ip") || key.equals("principal") || key.equals("route")
                        || (key.startsWith("header:") && key.length() > 7) || (key.startsWith("claim:") && key.length() > 6),
                "settings.key", "'" + key + "' (expected: client-ip, header:<name>, principal, claim:<name> or route)");
        String backend = spec.string("backend", "local");
        ConfigException.check(backend.equals("local") || backend.equals("redis"), "settings.backend",
                "'" + backend + "' (expected: local or redis)");
        String explicitName = spec.string("name", null);
        // Redis counters are shared by every limit and node using the same name: make that a decision, not an accident
        ConfigException.check(explicitName != null || backend.equals("local"), "settings.name",
                "missing (required with backend redis: limits with the same name share their counters in Redis)");
        String name = explicitName != null ? explicitName : requests + "-per-" + humanWindow(per);
        ConfigException.check(name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '"' && c != '\\'), "settings.name",
                "'" + name + "' (expected: printable ASCII without spaces or quotes)");
        boolean legacy = spec.bool("legacyHeaders", false);
        RateLimiter limiter = backend.equals("redis")
                ? redisLimiter(spec, context, name, requests, per, burst, maxKeys)
                // counters survive a reload that keeps this limit as it is (same name, rate, burst, key)
                : context.retained("rate-limit|" + name + "|" + requests + "|" + per + "|" + burst + "|" + maxKeys + "|" + key,
                        LocalRateLimiter.class, () -> LocalRateLimiter.of(requests, per, burst, maxKeys));
        long windowSeconds = Math.max(1, per.toSeconds());
        String header = key.startsWith("header:") ? key.substring(7).toLowerCase(Locale.ROOT)
                : key.startsWith("claim:") ? key.substring(6) : null;
        return new Limit(limiter, key, header, AsciiString.cached("\"" + name + "\";q=" + burst + ";w=" + windowSeconds),
                "\"" + name + "\";r=", legacy, AttrKey.of("rate-limit:" + name, RateLimitResult.class), burst);
    }

    // the Redis connections of one configuration, made on first use; a provider given in code serves
    // every configuration (reloads, restarts), so connections belong to the context that made them
    private RedisBackends redis;
    private ProviderContext redisContext;

    private RateLimiter redisLimiter(PolicySpec spec, ProviderContext context, String name, long requests, Duration per,
                                     long burst, long maxKeys) {
        String named = spec.string("redis", null);
        String uri = named != null ? named : defaultRedisUri;
        ConfigException.check(!uri.isBlank(), "settings.redis", "empty (expected: a Redis URI such as redis://127.0.0.1:6379)");
        // a limit naming its own Redis says itself whether that is a cluster
        boolean cluster = spec.bool("redisCluster", named == null && defaultRedisCluster);
        Duration timeout = spec.duration("redisTimeout", Duration.ofMillis(50));
        ConfigException.check(timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofSeconds(10)) <= 0,
                "settings.redisTimeout", timeout.toMillis() + "ms (expected: 1ms to 10s)");
        int queue = (int) spec.number("redisQueueSize", 10_000, 100, 1_000_000);
        String mode = spec.string("mode", "direct");
        ConfigException.check(mode.equals("direct") || mode.equals("lease"), "settings.mode",
                "'" + mode + "' (expected: direct or lease)");
        int leaseSize = (int) spec.number("leaseSize", 10, 2, 10_000);
        Duration leaseTtl = spec.duration("leaseTtl", Duration.ofSeconds(1));
        ConfigException.check(leaseTtl.toMillis() >= 10 && leaseTtl.compareTo(Duration.ofMinutes(1)) <= 0,
                "settings.leaseTtl", leaseTtl.toMillis() + "ms (expected: 10ms to 1m)");
        String onFailure = spec.string("onFailure", "open");
        ConfigException.check(onFailure.equals("open") || onFailure.equals("closed") || onFailure.equals("local"),
                "settings.onFailure", "'" + onFailure + "' (expected: open, closed or local)");
        Duration breakerWindow = spec.duration("breakerWindow", Duration.ofSeconds(5));
        ConfigException.check(breakerWindow.toMillis() >= 100 && breakerWindow.compareTo(Duration.ofMinutes(10)) <= 0,
                "settings.breakerWindow", breakerWindow.toMillis() + "ms (expected: 100ms to 10m)");
        RedisRateLimiter.Options options = new RedisRateLimiter.Options(name, requests, per, burst,
                RedisRateLimiter.Mode.valueOf(mode.toUpperCase(Locale.ROOT)), leaseSize, leaseTtl,
                RedisRateLimiter.OnFailure.valueOf(onFailure.toUpperCase(Locale.ROOT)), breakerWindow, maxKeys);
        synchronized (this) {
            if (redis == null || redisContext != context) {
                redis = new RedisBackends(context);
                redisContext = context;
            }
        }
        try {
            return redis.limiter(uri, cluster, timeout, queue, options);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("settings.redis", "'" + uri + "' is not a Redis URI (" + e.getMessage() + ")");
        }
    }

    private static String humanWindow(Duration d) {
        long s = d.toSeconds();
        if (s > 0 && d.toMillis() % 1000 == 0) {
            if (s % 3600 == 0) {
                return s / 3600 + "h";
            }
            if (s % 60 == 0) {
                return s / 60 + "m";
            }
            return s + "s";
        }
        return d.toMillis() + "ms";
    }

    /** One limit on a route. */
    record Limit(RateLimiter limiter, String key, String header, AsciiString policyValue, String resultPrefix,
                 boolean legacy, AttrKey<RateLimitResult> attr, long burst) implements Policy {

        @Override
        public Decision onRequest(RequestContext ctx) {
            String k = keyOf(ctx);
            RateLimitResult r = limiter.tryAcquire(k);
            if (r != null) {
                return decide(ctx, r);
            }
            return Decision.suspend(limiter.acquire(k).thenApply(result -> decide(ctx, result)));
        }

        private Decision decide(RequestContext ctx, RateLimitResult r) {
            if (r.allowed()) {
                ctx.attr(attr, r);
                return Decision.proceed();
            }
            HttpHeaders h = Decision.headers().set(HttpHeaderNames.RETRY_AFTER, seconds(r.retryAfterNanos()));
            if (r.unavailable()) {
                return Decision.respond(503, "the rate limit cannot be checked right now; retry after "
                        + seconds(r.retryAfterNanos()) + " s", h);
            }
            ctx.attr(attr, r);
            return Decision.respond(429, "too many requests; retry after " + seconds(r.retryAfterNanos()) + " s", h);
        }

        private String keyOf(RequestContext ctx) {
            switch (key) {
                case "route":
                    return "";
                case "principal":
                    if (ctx.principal() != null) {
                        return "p:" + ctx.principal().subject();
                    }
                    break;
                case "client-ip":
                    break;
                default:
                    if (key.startsWith("claim:")) {
                        Object c = ctx.principal() == null ? null : ctx.principal().claims().get(header);
                        if (c instanceof String || c instanceof Number) {
                            return "c:" + c;
                        }
                        break;
                    }
                    String v = ctx.requestHeaders().get(header);
                    if (v != null && !v.isEmpty()) {
                        return "h:" + v;
                    }
            }
            return "ip:" + ctx.clientAddress().getHostAddress();
        }

        @Override
        public void onResponse(RequestContext ctx, HttpHeaders out) {
            RateLimitResult r = ctx.attr(attr);
            if (r == null) {
                return;
            }
            out.add(RATELIMIT_POLICY, policyValue);
            long reset = seconds(r.resetNanos());
            out.add(RATELIMIT, resultPrefix + r.remaining() + ";t=" + reset);
            if (legacy) {
                out.set(X_LIMIT, burst);
                out.set(X_REMAINING, r.remaining());
                out.set(X_RESET, reset);
            }
        }

        private static long seconds(long nanos) {
            return nanos <= 0 ? 0 : (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
        }
    }
}
