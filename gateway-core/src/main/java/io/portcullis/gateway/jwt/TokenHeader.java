package io.portcullis.gateway.jwt;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the policy reads from a JWS protected header, parsed with {@link StrictJson}. Headers of the
 * usual members ({@code alg kid typ cty crit b64 x5t x5t#S256}) are read here with nimbus' type rules;
 * any other member sends the parsed object through nimbus' {@link JWSHeader#parse}, so key hints
 * ({@code jku jwk x5u x5c}), JWE members and the rest are judged exactly as before.
 *
 * @param alg          the algorithm; never {@code none} (no JWS header has it)
 * @param kid          the key id, or null
 * @param keyHint      whether the header names or carries its own key ({@code jku jwk x5u x5c}), refused
 * @param critical     the {@code crit} names, null or empty when absent
 * @param b64          false for RFC 7797 unencoded payloads
 */
record TokenHeader(JWSAlgorithm alg, String kid, boolean keyHint, List<String> critical, boolean b64) {

    /**
     * The header from its decoded bytes ({@code token} up to {@code end} is its base64url text);
     * ParseException for anything that is no JWS header.
     */
    static TokenHeader parse(byte[] json, String token, int end) throws ParseException {
        // nimbus refused headers longer than this (in UTF-16 units); bytes >= characters, so count only when needed
        if (json.length > Header.MAX_HEADER_STRING_LENGTH && StrictJson.utf16Length(json) > Header.MAX_HEADER_STRING_LENGTH) {
            throw new ParseException("the header is longer than " + Header.MAX_HEADER_STRING_LENGTH + " characters", 0);
        }
        Map<String, Object> m = StrictJson.parseObject(json);
        boolean usual = true;
        for (String name : m.keySet()) {
            switch (name) {
                case "alg", "kid", "typ", "cty", "crit", "b64", "x5t", "x5t#S256" -> { }
                default -> usual = false;
            }
        }
        if (!usual) {
            return of(JWSHeader.parse(m, new Base64URL(token.substring(0, end))));
        }
        Object alg = m.get("alg");
        if (alg == null) {
            throw new ParseException("missing alg", 0);
        }
        if (!(alg instanceof String name) || name.equals("none")) {
            throw new ParseException("not a JWS header", 0); // alg none: an unsecured JWT
        }
        String kid = text(m, "kid");
        text(m, "typ");
        text(m, "cty");
        text(m, "x5t");
        text(m, "x5t#S256");
        List<String> crit = null;
        Object c = m.get("crit");
        if (c != null) {
            if (!(c instanceof List<?> list)) {
                throw new ParseException("crit is no array", 0);
            }
            for (Object o : list) {
                if (o != null && !(o instanceof String)) {
                    throw new ParseException("crit is no array of strings", 0);
                }
            }
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) list;
            crit = names;
        }
        boolean b64 = true;
        if (m.containsKey("b64")) {
            if (!(m.get("b64") instanceof Boolean b)) {
                throw new ParseException("b64 is no boolean", 0);
            }
            b64 = b;
        }
        return new TokenHeader(JWSAlgorithm.parse(name), kid, false, crit, b64);
    }

    private static TokenHeader of(JWSHeader h) {
        boolean keyHint = h.getJWKURL() != null || h.getX509CertURL() != null || h.getJWK() != null
                || h.getX509CertChain() != null;
        return new TokenHeader(h.getAlgorithm(), h.getKeyID(), keyHint,
                h.getCriticalParams() == null ? null : new ArrayList<>(h.getCriticalParams()), h.isBase64URLEncodePayload());
    }

    private static String text(Map<String, Object> m, String name) throws ParseException {
        Object v = m.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new ParseException(name + " is no string", 0);
    }
}
