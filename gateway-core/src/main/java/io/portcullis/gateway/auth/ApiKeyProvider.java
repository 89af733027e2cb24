package io.portcullis.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.internal.cache.LoopCaches;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.Principal;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code type: api-key}: authenticates a request by an API key ({@link ApiKeys}) in a header.
 *
 * <p>Settings: {@code header} ({@code X-API-Key}), {@code keys}: a list of {@code {id, owner,
 * hash, scopes, roles, expires}} ({@code hash} from {@link ApiKeys#argon2Hash} or
 * {@link ApiKeys#hmacHash}; {@code expires} an ISO-8601 instant), {@code pepper} (the HMAC secret,
 * required when an HMAC hash is used), {@code forwardKey} (false: the key never reaches the
 * upstream), {@code cacheSize} (10000), {@code cacheTtl} (5m).
 *
 * <p>A good key sets the request's {@link Principal} (subject = owner, auth method {@code api-key}).
 * Anything else (missing, unknown id, wrong secret, expired) gets the same 401, so the answer does
 * not tell which part was wrong. Argon2 runs on the blocking executor, never on an event loop;
 * successful verifications are cached under the key's SHA-256 (never the key itself), bounded and
 * never past the key's expiry, so steady traffic does not pay Argon2 per request. HMAC hashes are
 * compared in constant time.
 */
public final class ApiKeyProvider implements PolicyProvider {

    @Override
    public String type() {
        return "api-key";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        String header = spec.string("header", "X-API-Key").toLowerCase(Locale.ROOT);
        String pepperText = spec.string("pepper", null);
        byte[] pepper = pepperText == null ? null : pepperText.getBytes(StandardCharsets.UTF_8);
        boolean forward = spec.bool("forwardKey", false);
        long cacheSize = spec.number("cacheSize", 10_000, 0, 10_000_000);
        Duration cacheTtl = spec.duration("cacheTtl", Duration.ofMinutes(5));
        Map<String, KeyRecord> byId = new HashMap<>();
        var entries = spec.entries("keys");
        ConfigException.check(!entries.isEmpty(), "settings.keys", "missing (expected: at least one key)");
        for (int i = 0; i < entries.size(); i++) {
            PolicySpec e = entries.get(i);
            String id = e.string("id", null);
            try {
                ApiKeys.checkId(id);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException("settings.keys[" + i + "].id", ex.getMessage());
            }
            String owner = e.string("owner", id);
            String hash = e.string("hash", null);
            ConfigException.check(hash != null && (hash.startsWith("$argon2id$") || hash.startsWith(ApiKeys.HMAC_PREFIX)),
                    "settings.keys[" + i + "].hash", "missing or unknown (expected: $argon2id$... or hmac-sha256:...)");
            ConfigException.check(!hash.startsWith(ApiKeys.HMAC_PREFIX) || pepper != null,
                    "settings.pepper", "missing (required by the HMAC hash of key '" + id + "')");
            Instant expires = null;
            String exp = e.string("expires", null);
            if (exp != null) {
                try {
                    expires = Instant.parse(exp);
                } catch (DateTimeParseException ex) {
                    throw new ConfigException("settings.keys[" + i + "].expires", "'" + exp + "' (expected: an ISO-8601 instant)");
                }
            }
            Principal principal = new Principal(owner, Map.of("keyId", id), Set.copyOf(e.strings("scopes")),
                    Set.copyOf(e.strings("roles")), "api-key");
            e.checkAllRead();
            ConfigException.check(byId.put(id, new KeyRecord(id, hash, expires, principal)) == null,
                    "settings.keys[" + i + "].id", "'" + id + "' is used twice");
        }
        MeterRegistry meters = context.meterRegistry();
        return new ApiKeyPolicy(header, Map.copyOf(byId), pepper, forward,
                LoopCaches.builder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build(),
                context.blockingExecutor(), context.clock(),
                Counter.builder("portcullis.auth.apikey").tag("result", "argon2").register(meters),
                Counter.builder("portcullis.auth.apikey").tag("result", "cached").register(meters),
                Counter.builder("portcullis.auth.apikey").tag("result", "rejected").register(meters));
    }

    record KeyRecord(String id, String hash, Instant expires, Principal principal) {
        boolean expired(Clock clock) {
            return expires != null && !clock.instant().isBefore(expires);
        }
    }

    /** The policy. */
    static final class ApiKeyPolicy implements Policy {
        private static final String REJECTION = "a valid API key is required";

        private final String header;
        private final Map<String, KeyRecord> byId;
        private final byte[] pepper;
        private final boolean forward;
        private final Cache<String, KeyRecord> verified;
        private final Executor blocking;
        private final Clock clock;
        private final Counter argon2Checks;
        private final Counter cacheHits;
        private final Counter rejections;
        private final HttpHeaders challenge;

        ApiKeyPolicy(String header, Map<String, KeyRecord> byId, byte[] pepper, boolean forward,
                     Cache<String, KeyRecord> verified, Executor blocking, Clock clock, Counter argon2Checks,
                     Counter cacheHits, Counter rejections) {
            this.header = header;
            this.byId = byId;
            this.pepper = pepper;
            this.forward = forward;
            this.verified = verified;
            this.blocking = blocking;
            this.clock = clock;
            this.argon2Checks = argon2Checks;
            this.cacheHits = cacheHits;
            this.rejections = rejections;
            this.challenge = Decision.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "ApiKey header=\"" + header + "\"");
        }

        @Override
        public Decision onRequest(RequestContext ctx) {
            String key = ctx.requestHeaders().get(header);
            if (!forward) {
                ctx.requestHeaders().remove(header);
            }
            if (key == null || key.length() > 512) {
                return reject();
            }
            int dot = key.indexOf('.');
            KeyRecord record = dot > 0 ? byId.get(key.substring(0, dot)) : null;
            if (record == null || record.expired(clock)) {
                return reject();
            }
            String fingerprint = ApiKeys.fingerprint(key);
            KeyRecord cached = verified.getIfPresent(fingerprint);
            if (cached == record) {
                cacheHits.increment();
                ctx.principal(record.principal());
                return Decision.proceed();
            }
            if (record.hash().startsWith(ApiKeys.HMAC_PREFIX)) {
                byte[] expected = Base64.getDecoder().decode(record.hash().substring(ApiKeys.HMAC_PREFIX.length()));
                if (!MessageDigest.isEqual(expected, ApiKeys.hmac(key, pepper))) {
                    return reject();
                }
                return accept(ctx, record, fingerprint);
            }
            // Argon2 takes tens of milliseconds on purpose: never on the event loop
            argon2Checks.increment();
            CompletableFuture<Decision> outcome = Argon2Check.verify(record.hash(), key, blocking)
                    .thenApply(ok -> ok ? accept(ctx, record, fingerprint) : reject());
            return Decision.suspend(outcome);
        }

        private Decision accept(RequestContext ctx, KeyRecord record, String fingerprint) {
            verified.put(fingerprint, record);
            ctx.principal(record.principal());
            return Decision.proceed();
        }

        private Decision reject() {
            rejections.increment();
            return Decision.respond(401, REJECTION, challenge);
        }
    }
}
