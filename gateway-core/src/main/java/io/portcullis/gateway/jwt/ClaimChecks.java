package io.portcullis.gateway.jwt;

import java.time.Instant;
import java.util.Set;

/**
 * The checks on a token's claims once its signature verified: expiry, not-before, issued-at (each
 * with the allowed clock skew), audience, required claims, subject. Apart from {@link JwtPolicy} so
 * the benchmarks can time them alone.
 */
final class ClaimChecks {
    /** The first check the claims failed and the detail that is logged with it. */
    record Refusal(Rejection reason, String detail) {
    }

    private ClaimChecks() {
    }

    /** Null when the claims pass every check at {@code now} (epoch millis), else the first they fail. */
    static Refusal refusal(TokenClaims claims, IssuerRule rule, boolean requireExp, long skewMillis, long now) {
        if (!claims.hasExpiry && requireExp) {
            return new Refusal(Rejection.NO_EXPIRY, "");
        }
        if (claims.hasExpiry && now >= claims.expiryMillis + skewMillis) {
            return new Refusal(Rejection.EXPIRED, "at " + Instant.ofEpochMilli(claims.expiryMillis));
        }
        if (claims.hasNotBefore && now + skewMillis < claims.notBeforeMillis) {
            return new Refusal(Rejection.NOT_YET_VALID, "before " + Instant.ofEpochMilli(claims.notBeforeMillis));
        }
        if (claims.hasIssuedAt && claims.issuedAtMillis > now + skewMillis) {
            return new Refusal(Rejection.ISSUED_IN_FUTURE, "at " + Instant.ofEpochMilli(claims.issuedAtMillis));
        }
        if (!rule.audiences().isEmpty() && !anyOf(rule.audiences(), claims.audience)) {
            return new Refusal(Rejection.AUDIENCE, String.valueOf(claims.audience));
        }
        for (String required : rule.requiredClaims()) {
            if (!claims.has(required)) {
                return new Refusal(Rejection.MISSING_CLAIM, required);
            }
        }
        if (claims.subject == null) {
            return new Refusal(Rejection.NO_SUBJECT, "");
        }
        return null;
    }

    /** Whether {@code have} holds any of {@code wanted}. */
    static boolean anyOf(Set<String> wanted, Iterable<String> have) {
        if (have != null) {
            for (String h : have) {
                if (wanted.contains(h)) {
                    return true;
                }
            }
        }
        return false;
    }
}
