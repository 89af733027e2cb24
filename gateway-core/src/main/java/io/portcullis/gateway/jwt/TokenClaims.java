package io.portcullis.gateway.jwt;

import java.text.ParseException;
import java.util.Collections;
import java.util.Iterator;
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
    /** The claims for the principal (nulls left out), read-only by convention: the principal copies it. */
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
        Map<String, Object> json = StrictJson.parseObject(payload);
        String iss = null;
        String sub = null;
        List<String> aud = List.of();
        boolean hasAud = false;
        long[] times = null; // exp, nbf, iat in millis, allocated only if any is there
        int timesSet = 0;
        for (Iterator<Map.Entry<String, Object>> it = json.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Object> e = it.next();
            Object v = e.getValue();
            if (v == null) {
                it.remove(); // as nimbus: a null claim is an absent claim
                continue;
            }
            String name = e.getKey();
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
                    } else if (v instanceof Number n) {
                        sub = String.valueOf(n);
                        e.setValue(sub);
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
                            it.remove();
                        } else if (names.size() == 1) {
                            e.setValue(names.get(0));
                        }
                    } else {
                        throw new ParseException("aud is no string or array", 0);
                    }
                }
                case "exp", "nbf", "iat" -> {
                    if (!(v instanceof Number n)) {
                        throw new ParseException(name + " is no number", 0);
                    }
                    // whole seconds (a fraction truncated, a Double past a long clamped), in millis with
                    // long arithmetic, and the claim as those millis in seconds: exactly nimbus' Date round trip
                    long millis = n.longValue() * 1000L;
                    e.setValue(millis / 1000);
                    if (times == null) {
                        times = new long[3];
                    }
                    int slot = name.equals("exp") ? 0 : name.equals("nbf") ? 1 : 2;
                    times[slot] = millis;
                    timesSet |= 1 << slot;
                }
                default -> {
                }
            }
        }
        return new TokenClaims(json, iss, sub, aud, hasAud,
                (timesSet & 1) != 0, times == null ? 0 : times[0],
                (timesSet & 2) != 0, times == null ? 0 : times[1],
                (timesSet & 4) != 0, times == null ? 0 : times[2]);
    }

    /** Whether the claim is there (not null); an empty {@code aud} list counts as there, as it did. */
    boolean has(String name) {
        return name.equals("aud") ? hasAudience : json.get(name) != null;
    }
}
