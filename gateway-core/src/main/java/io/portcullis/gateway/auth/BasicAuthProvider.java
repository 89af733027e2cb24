package io.portcullis.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
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
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * {@code type: basic-auth}: HTTP Basic authentication (RFC 7617) for simple cases such as admin
 * endpoints and legacy clients, with Argon2id-hashed passwords ({@link ApiKeys#passwordHash}).
 *
 * <p>Settings: {@code realm} ({@code portcullis}), {@code users}: a list of {@code {username, hash,
 * roles}}, {@code forwardCredentials} (false: the {@code Authorization} header is removed before
 * forwarding), {@code cacheSize} (1000), {@code cacheTtl} (5m). A wrong user or password gets the
 * same 401 with {@code WWW-Authenticate: Basic realm="...", charset="UTF-8"}; an unknown user is
 * checked against a dummy hash so the response time does not reveal which users exist. Argon2 runs
 * on the blocking executor; verified credentials are cached under their SHA-256.
 */
public final class BasicAuthProvider implements PolicyProvider {

    @Override
    public String type() {
        return "basic-auth";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        String realm = spec.string("realm", "portcullis");
        ConfigException.check(realm.chars().allMatch(c -> c >= ' ' && c < 0x7f && c != '"' && c != '\\'),
                "settings.realm", "'" + realm + "' (expected: printable ASCII without quotes)");
        boolean forward = spec.bool("forwardCredentials", false);
        long cacheSize = spec.number("cacheSize", 1000, 0, 1_000_000);
        Duration cacheTtl = spec.duration("cacheTtl", Duration.ofMinutes(5));
        Map<String, User> users = new HashMap<>();
        var entries = spec.entries("users");
        ConfigException.check(!entries.isEmpty(), "settings.users", "missing (expected: at least one user)");
        for (int i = 0; i < entries.size(); i++) {
            PolicySpec e = entries.get(i);
            String name = e.string("username", null);
            ConfigException.check(name != null && !name.isEmpty() && name.indexOf(':') < 0,
                    "settings.users[" + i + "].username", "'" + name + "' (expected: a name without ':')");
            String hash = e.string("hash", null);
            ConfigException.check(hash != null && hash.startsWith("$argon2id$"), "settings.users[" + i + "].hash",
                    "missing or not Argon2id (expected: $argon2id$..., see ApiKeys.passwordHash)");
            Principal p = new Principal(name, Map.of(), Set.of(), Set.copyOf(e.strings("roles")), "basic");
            e.checkAllRead();
            ConfigException.check(users.put(name, new User(hash, p)) == null, "settings.users[" + i + "].username",
                    "'" + name + "' is used twice");
        }
        return new BasicAuth(Map.copyOf(users), forward, context.blockingExecutor(),
                LoopCaches.builder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build(),
                Decision.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\", charset=\"UTF-8\""),
                Argon2Check.hash("not a real password"));
    }

    record User(String hash, Principal principal) {
    }

    /** The policy. */
    record BasicAuth(Map<String, User> users, boolean forward, Executor blocking, Cache<String, User> verified,
                     HttpHeaders challenge, String dummyHash) implements Policy {

        @Override
        public Decision onRequest(RequestContext ctx) {
            String auth = ctx.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
            if (!forward) {
                ctx.requestHeaders().remove(HttpHeaderNames.AUTHORIZATION);
            }
            if (auth == null || auth.length() < 7 || !auth.regionMatches(true, 0, "Basic ", 0, 6) || auth.length() > 1024) {
                return reject();
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return reject();
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                return reject();
            }
            String name = decoded.substring(0, colon);
            String password = decoded.substring(colon + 1);
            User user = users.get(name);
            String fingerprint = ApiKeys.fingerprint(decoded);
            if (user != null && verified.getIfPresent(fingerprint) == user) {
                ctx.principal(user.principal());
                return Decision.proceed();
            }
            // unknown users cost an Argon2 check too, so timing does not reveal who exists
            String hash = user != null ? user.hash() : dummyHash;
            return Decision.suspend(Argon2Check.verify(hash, password, blocking).thenApply(ok -> {
                if (!ok || user == null) {
                    return reject();
                }
                verified.put(fingerprint, user);
                ctx.principal(user.principal());
                return Decision.proceed();
            }));
        }

        private Decision reject() {
            return Decision.respond(401, "valid credentials are required", challenge);
        }
    }
}
