package io.portcullis.gateway.jwt;

import java.text.ParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A token's claims set, parsed with {@link StrictJson} and typed as nimbus' {@code JWTClaimsSet}
 * did, so {@code Principal.claims()} keeps its content: {@code iss} and {@code jti} text, {@code sub}
 * text (a number becomes its text), {@code aud} text or a list of text (one entry: that text; none:
 * left out), {@code exp nbf iat} numbers truncated to whole seconds as {@code Long}; members whose
 * value is null are left out. Anything else of the wrong type refuses the token. One difference:
 * a null inside the {@code aud} list is refused (nimbus let it through to fail later).
 */
final class TokenClaims {
    /** The claims for the principal (nulls left out), immutable, so the principal takes it without a copy. */
    final Map<String, Object> json;
    final String issuer;
    final String subject;
    /** {@code aud} as a list, empty without one. */
    final List<String> audience;
    private final boolean hasAudience;
    final boolean hasExpiry;
    final long expiryMillis;
    final boolean hasNotBefore;
    final long notBeforeMillis;
    final boolean hasIssuedAt;
    final long issuedAtMillis;

    private TokenClaims(Map<String, Object> json, String issuer, String subject, List<String> audience,
                        boolean hasAudience, boolean hasExpiry, long expiryMillis, boolean hasNotBefore,
                        long notBeforeMillis, boolean hasIssuedAt, long issuedAtMillis) {
        this.json = json;
        this.issuer = issuer;
        this.subject = subject;
        this.audience = audience;
        this.hasAudience = hasAudience;
        this.hasExpiry = hasExpiry;
        this.expiryMillis = expiryMillis;
        this.hasNotBefore = hasNotBefore;
        this.notBeforeMillis = notBeforeMillis;
        this.hasIssuedAt = hasIssuedAt;
        this.issuedAtMillis = issuedAtMillis;
    }

    /** The claims from the payload's decoded bytes; ParseException for bad JSON or a registered claim of the wrong type. */
    static TokenClaims parse(byte[] payload) throws ParseException {
        StrictJson.Members members = new StrictJson.Members();
        int n = StrictJson.parseMembers(payload, members);
        // straight into an immutable map: Principal keeps it as it is instead of copying a HashMap
        @SuppressWarnings("unchecked")
        Map.Entry<String, Object>[] entries = new Map.Entry[n];
        int kept = 0;
        String iss = null;
        String sub = null;
        List<String> aud = List.of();
        boolean hasAud = false;
        long exp = 0;
        long nbf = 0;
        long iat = 0;
        int timesSet = 0; // bits: exp, nbf, iat
        for (int i = 0; i < n; i++) {
            String name = members.names[i];
            Object v = members.values[i];
            if (v == null) {
                continue; // as nimbus: a null claim is an absent claim
            }
            switch (name) {
                case "iss", "jti" -> {
                    if (!(v instanceof String s)) {
                        throw new ParseException(name + " is no string", 0);
                    }
                    if (name.equals("iss")) {
                        iss = s;
                    }
                }
                case "sub" -> {
                    if (v instanceof String s) {
                        sub = s;
                    } else if (v instanceof Number num) {
                        sub = String.valueOf(num);
                        v = sub;
                    } else {
                        throw new ParseException("sub is no string", 0);
                    }
                }
                case "aud" -> {
                    hasAud = true;
                    if (v instanceof String s) {
                        aud = Collections.singletonList(s);
                    } else if (v instanceof List<?> list) {
                        for (Object o : list) {
                            if (!(o instanceof String)) {
                                throw new ParseException("aud is no array of strings", 0);
                            }
                        }
                        @SuppressWarnings("unchecked")
                        List<String> names = (List<String>) list;
                        aud = names;
                        if (names.isEmpty()) {
                            continue; // left out of the claims, as nimbus did
                        }
                        if (names.size() == 1) {
                            v = names.get(0);
                        }
                    } else {
                        throw new ParseException("aud is no string or array", 0);
                    }
                }
                case "exp", "nbf", "iat" -> {
                    if (!(v instanceof Number num)) {
                        throw new ParseException(name + " is no number", 0);
                    }
                    // whole seconds (a fraction truncated, a Double past a long clamped), in millis with
                    // long arithmetic, and the claim as those millis in seconds: exactly nimbus' Date round trip
                    long millis = num.longValue() * 1000L;
                    long seconds = millis / 1000;
                    if (!(v instanceof Long l) || l != seconds) {
                        v = seconds;
                    }
                    if (name.equals("exp")) {
                        exp = millis;
                        timesSet |= 1;
                    } else if (name.equals("nbf")) {
                        nbf = millis;
                        timesSet |= 2;
                    } else {
                        iat = millis;
                        timesSet |= 4;
                    }
                }
                default -> {
                }
            }
            entries[kept++] = Map.entry(name, v);
        }
        Map<String, Object> json = Map.ofEntries(kept == n ? entries : Arrays.copyOf(entries, kept));
        return new TokenClaims(json, iss, sub, aud, hasAud, (timesSet & 1) != 0, exp, (timesSet & 2) != 0, nbf,
                (timesSet & 4) != 0, iat);
    }

    /** Whether the claim is there (not null); an empty {@code aud} list counts as there, as it did. */
    boolean has(String name) {
        return name.equals("aud") ? hasAudience : json.get(name) != null;
    }
}
