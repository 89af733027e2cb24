package io.portcullis.gateway.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.Principal;
import io.portcullis.gateway.policy.RequestContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code jwt} policy built by {@link JwtProvider}; one per route chain. */
final class JwtPolicy implements Policy {
    private static final Logger LOG = LoggerFactory.getLogger("io.portcullis.auth");
    private static final String SEVERAL = "\0several";
    private static final String BEARER = "Bearer ";

    /** Everything {@link JwtProvider} read from the settings. */
    record Settings(Map<String, IssuerRule> issuers, boolean bearer, String cookie, int maxTokenBytes, long skewMillis,
                    boolean requireExp, Set<String> scopes, boolean allScopes, Set<String> roles, boolean allRoles,
                    String rolesClaim, AsciiString[] headerNames, String[] headerClaims, boolean forwardToken,
                    boolean optional, String realm) {
    }

    private final Settings s;
    private final Cache<TokenKey, VerifiedToken> cache;
    private final Clock clock;
    private final HttpHeaders missingChallenge;
    private final HttpHeaders invalidChallenge;
    private final HttpHeaders insufficientChallenge;
    private final HttpHeaders unavailable;
    private final Counter cached;
    private final Counter verified;
    private final Counter forbidden;
    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);

    JwtPolicy(Settings settings, Cache<TokenKey, VerifiedToken> cache, Clock clock, MeterRegistry meters) {
        this.s = settings;
        this.cache = cache;
        this.clock = clock;
        String realm = "Bearer realm=\"" + settings.realm() + "\"";
        this.missingChallenge = Decision.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, realm);
        this.invalidChallenge = Decision.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
                realm + ", error=\"invalid_token\", error_description=\"The access token is invalid or expired\"");
        this.insufficientChallenge = Decision.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
                realm + ", error=\"insufficient_scope\""
                        + (settings.scopes().isEmpty() ? "" : ", scope=\"" + String.join(" ", settings.scopes()) + "\""));
        this.unavailable = Decision.headers().set(HttpHeaderNames.RETRY_AFTER, "10");
        this.cached = Counter.builder("portcullis.auth.jwt").tag("result", "cached").register(meters);
        this.verified = Counter.builder("portcullis.auth.jwt").tag("result", "verified").register(meters);
        this.forbidden = Counter.builder("portcullis.auth.jwt").tag("result", "forbidden").register(meters);
        for (Rejection r : Rejection.values()) {
            rejected.put(r, Counter.builder("portcullis.auth.jwt.rejections").tag("reason", r.name().toLowerCase())
                    .register(meters));
        }
        if (cache != null) {
            for (IssuerRule rule : settings.issuers().values()) {
                rule.keys().onKeysRemoved(gone -> cache.asMap().values().removeIf(v -> gone.contains(v.keyThumbprint())));
            }
        }
    }

    @Override
    public Decision onRequest(RequestContext ctx) {
        HttpHeaders h = ctx.requestHeaders();
        for (AsciiString name : s.headerNames()) {
            h.remove(name); // the client must not be able to forge what the upstream takes as verified
        }
        // the token is [from, to) of source: copied into this thread's probe, copied out only on a cache miss
        String source = null;
        int from = 0;
        int to = 0;
        if (s.bearer()) {
            String auth = single(h);
            if (auth == SEVERAL) {
                return invalid(ctx, Rejection.MALFORMED, "several Authorization headers");
            }
            if (auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                source = auth;
                from = BEARER.length();
                to = auth.length();
                while (from < to && auth.charAt(from) == ' ') {
                    from++;
                }
                while (to > from && auth.charAt(to - 1) == ' ') {
                    to--;
                }
                if (!s.forwardToken()) {
                    h.remove(HttpHeaderNames.AUTHORIZATION);
                }
            }
        }
        if (source == null && s.cookie() != null) {
            source = cookie(h, s.cookie());
            to = source == null ? 0 : source.length();
        }
        if (source == null || from == to) {
            return s.optional() ? Decision.proceed() : Decision.respond(401, "authentication required", missingChallenge);
        }
        if (to - from > s.maxTokenBytes()) {
            rejected.get(Rejection.MALFORMED).increment();
            LOG.info("JWT refused [{}] route {}: token of {} bytes (limit {})", ctx.requestId(), ctx.routeId(),
                    to - from, s.maxTokenBytes());
            return Decision.respond(431, "the access token is too large");
        }
        TokenKey key = null;
        if (cache != null) {
            // the token's bytes, checked to be ASCII and hashed, in this thread's probe: a hit allocates nothing
            TokenKey probe = TokenKey.probe(source, from, to);
            if (probe == null) {
                return invalid(ctx, Rejection.MALFORMED, "non-ASCII characters");
            }
            VerifiedToken v = cache.getIfPresent(probe);
            if (v != null && v.validUntilMillis() > clock.millis()) {
                cached.increment();
                return admit(ctx, v);
            }
            key = probe.copy(); // a key of its own: the probe is this thread's, and verifying may end on another
        }
        String token = from == 0 && to == source.length() ? source : source.substring(from, to);
        return verify(ctx, token, key, true);
    }

    private Decision verify(RequestContext ctx, String token, TokenKey key, boolean mayRefresh) {
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
            return notCompactJws(ctx, token); // alg none without a signature part, JWE, or no JWT at all
        }
        // the JDK's Base64 (strict, and far quicker than nimbus' lenient codec), then our strict JSON
        // (StrictJson: RFC 8259, no repeated names, typed as nimbus typed it) and nimbus' header rules
        Base64.Decoder base64 = Base64.getUrlDecoder();
        // the token's bytes, decoded part by part in place: a cache key holds them already; otherwise
        // ISO-8859-1 (one byte per character; anything above U+00FF becomes '?', which no part may hold)
        byte[] ascii = key != null ? key.bytes() : token.getBytes(StandardCharsets.ISO_8859_1);
        TokenHeader header;
        try {
            header = TokenHeader.parse(decode(base64, ascii, 0, dot1), token, dot1);
        } catch (ParseException | RuntimeException e) {
            return notCompactJws(ctx, token); // alg none, a JWE header, or not a header at all
        }
        TokenClaims claims;
        byte[] signature;
        try {
            claims = TokenClaims.parse(decode(base64, ascii, dot1 + 1, dot2));
            signature = decode(base64, ascii, dot2 + 1, token.length());
        } catch (ParseException | RuntimeException e) {
            return invalid(ctx, Rejection.MALFORMED, e.getMessage());
        }
        if (header.keyHint()) {
            return invalid(ctx, Rejection.FORBIDDEN_HEADER, "");
        }
        if (header.critical() != null && !header.critical().isEmpty()) {
            return invalid(ctx, Rejection.CRITICAL_HEADER, String.valueOf(header.critical()));
        }
        if (!header.b64()) {
            // RFC 7797 unencoded payloads must be listed in crit, which is refused above; never without
            return invalid(ctx, Rejection.CRITICAL_HEADER, "b64");
        }
        String iss = claims.issuer;
        IssuerRule rule = iss == null ? null : s.issuers().get(iss);
        if (rule == null) {
            return invalid(ctx, Rejection.UNKNOWN_ISSUER, String.valueOf(iss));
        }
        if (!rule.algorithms().contains(header.alg())) {
            return invalid(ctx, Rejection.ALGORITHM, header.alg().getName());
        }
        KeySet keys = rule.keys().current();
        String kid = header.kid();
        if (keys == null || (kid != null && !keys.hasKid(kid))) {
            // no key set yet, or key rotation: wait for a fetch (single-flight, rate-limited), never on the event loop
            CompletableFuture<KeySet> refresh = mayRefresh ? rule.keys().refresh() : null;
            if (refresh != null) {
                return Decision.suspend(refresh.handle((ks, err) -> verify(ctx, token, key, false)));
            }
            if (keys == null) {
                LOG.info("JWT refused [{}] route {}: keys of issuer {} unavailable", ctx.requestId(), ctx.routeId(), iss);
                return Decision.respond(503, "the keys to check access tokens are unavailable, try again later", unavailable);
            }
        }
        List<VerificationKey> candidates = keys.candidates(kid, header.alg());
        if (candidates.isEmpty()) {
            return invalid(ctx, Rejection.UNKNOWN_KEY, "kid " + kid);
        }
        // the signing input is the token up to its second dot, as ASCII (both parts decoded as strict
        // base64url above, so nothing else is in there)
        byte[] signingInput = ascii;
        VerificationKey signer = null;
        for (VerificationKey k : candidates) {
            if (k.verify(header.alg(), signingInput, dot2, signature)) {
                signer = k;
                break;
            }
        }
        if (signer == null) {
            return invalid(ctx, Rejection.BAD_SIGNATURE, "kid " + kid);
        }
        long now = clock.millis();
        ClaimChecks.Refusal refusal = ClaimChecks.refusal(claims, rule, s.requireExp(), s.skewMillis(), now);
        if (refusal != null) {
            return invalid(ctx, refusal.reason(), refusal.detail());
        }
        VerifiedToken v = verifiedToken(claims, signer);
        if (key != null) {
            cache.put(key, v);
        }
        verified.increment();
        return admit(ctx, v);
    }

    /** {@code ascii[from, to)} decoded as strict base64url, without copying the text out first. */
    private static byte[] decode(Base64.Decoder base64, byte[] ascii, int from, int to) {
        ByteBuffer out = base64.decode(ByteBuffer.wrap(ascii, from, to - from));
        byte[] array = out.array();
        int start = out.arrayOffset() + out.position();
        int end = out.arrayOffset() + out.limit();
        return start == 0 && end == array.length ? array : Arrays.copyOfRange(array, start, end);
    }

    /** Why a token that is no three-part JWS with a JWS header is refused: unsigned (none, JWE) or malformed. */
    private Decision notCompactJws(RequestContext ctx, String token) {
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT)) {
                return invalid(ctx, Rejection.UNSIGNED, parsed.getHeader().getAlgorithm().getName());
            }
            return invalid(ctx, Rejection.MALFORMED, "not a compact JWS");
        } catch (ParseException | RuntimeException e) {
            return invalid(ctx, Rejection.MALFORMED, e.getMessage());
        }
    }

    private VerifiedToken verifiedToken(TokenClaims claims, VerificationKey signer) {
        Map<String, Object> json = claims.json;
        Set<String> scopes = ClaimValues.names(json.containsKey("scope") ? json.get("scope") : json.get("scp"));
        Set<String> roles = ClaimValues.names(ClaimValues.at(json, s.rolesClaim()));
        Principal principal = new Principal(claims.subject, json, scopes, roles, "jwt");
        String[] values = new String[s.headerClaims().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = ClaimValues.headerValue(ClaimValues.at(json, s.headerClaims()[i]));
        }
        boolean authorized = satisfies(s.scopes(), scopes, s.allScopes()) && satisfies(s.roles(), roles, s.allRoles());
        long validUntil = claims.hasExpiry ? claims.expiryMillis : Long.MAX_VALUE;
        return new VerifiedToken(principal, validUntil, signer.thumbprint, values, authorized);
    }

    private Decision admit(RequestContext ctx, VerifiedToken v) {
        if (!v.authorized()) {
            forbidden.increment();
            LOG.info("JWT forbidden [{}] route {}: subject {} lacks scopes {} / roles {}", ctx.requestId(), ctx.routeId(),
                    v.principal().subject(), s.scopes(), s.roles());
            return Decision.respond(403, "the access token does not grant access to this resource", insufficientChallenge);
        }
        ctx.principal(v.principal());
        HttpHeaders h = ctx.requestHeaders();
        String[] values = v.headerValues();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                h.set(s.headerNames()[i], values[i]);
            }
        }
        return Decision.proceed();
    }

    private Decision invalid(RequestContext ctx, Rejection reason, String detail) {
        rejected.get(reason).increment();
        LOG.info("JWT refused [{}] route {}: {}{}", ctx.requestId(), ctx.routeId(), reason.text,
                detail == null || detail.isEmpty() ? "" : " (" + abbreviate(detail) + ")");
        return Decision.respond(401, "a valid access token is required", invalidChallenge);
    }

    private static boolean satisfies(Set<String> required, Set<String> granted, boolean all) {
        if (required.isEmpty()) {
            return true;
        }
        return all ? granted.containsAll(required) : ClaimChecks.anyOf(required, granted);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** The one Authorization header, null without one, {@link #SEVERAL} with more (which one would the upstream read?). */
    private static String single(HttpHeaders h) {
        Iterator<? extends CharSequence> it = h.valueCharSequenceIterator(HttpHeaderNames.AUTHORIZATION);
        if (!it.hasNext()) {
            return null;
        }
        CharSequence first = it.next();
        return it.hasNext() ? SEVERAL : first.toString();
    }

    /** The value of cookie {@code name} across all Cookie headers (HTTP/2 may split them), or null. */
    static String cookie(HttpHeaders h, String name) {
        Iterator<String> it = h.valueStringIterator(HttpHeaderNames.COOKIE);
        while (it.hasNext()) {
            String header = it.next();
            int i = 0;
            int n = header.length();
            while (i < n) {
                while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                    i++;
                }
                int end = header.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                if (end - i > name.length() && header.startsWith(name, i) && header.charAt(i + name.length()) == '=') {
                    String value = header.substring(i + name.length() + 1, end).trim();
                    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                        value = value.substring(1, value.length() - 1);
                    }
                    return value;
                }
                i = end + 1;
            }
        }
        return null;
    }
}
