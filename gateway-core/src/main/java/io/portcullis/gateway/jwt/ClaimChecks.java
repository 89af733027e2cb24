package io.portcullis.gateway.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Date;
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
    static Refusal refusal(JWTClaimsSet claims, IssuerRule rule, boolean requireExp, long skewMillis, long now) {
        Date exp = claims.getExpirationTime();
        if (exp == null && requireExp) {
            return new Refusal(Rejection.NO_EXPIRY, "");
        }
        if (exp != null && now >= exp.getTime() + skewMillis) {
            return new Refusal(Rejection.EXPIRED, "at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + skewMillis < nbf.getTime()) {
            return new Refusal(Rejection.NOT_YET_VALID, "before " + nbf.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() > now + skewMillis) {
            return new Refusal(Rejection.ISSUED_IN_FUTURE, "at " + iat.toInstant());
        }
        if (!rule.audiences().isEmpty() && !anyOf(rule.audiences(), claims.getAudience())) {
            return new Refusal(Rejection.AUDIENCE, String.valueOf(claims.getAudience()));
        }
        for (String required : rule.requiredClaims()) {
            if (claims.getClaim(required) == null) {
                return new Refusal(Rejection.MISSING_CLAIM, required);
            }
        }
        if (claims.getSubject() == null) {
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
