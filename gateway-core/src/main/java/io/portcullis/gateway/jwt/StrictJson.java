package io.portcullis.gateway.jwt;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict JSON (RFC 8259) reader for the two documents an uncached token check reads, the JWS
 * header and the claims set, straight from their decoded bytes (nimbus' JSON cost more than the
 * rest of the check bar the signature). Strict where nimbus was lenient or silent: the bytes must be
 * UTF-8 without a byte order mark, no member name may repeat at any depth, escapes must pair
 * surrogates, and nothing but whitespace may follow the object. Values come out as nimbus gave
 * them: {@code String}, {@code Boolean}, {@code Long} for integers that fit (else {@code Double}),
 * {@code Double} for fractions and exponents (infinities refused), {@code List} and {@code Map}
 * (insertion order kept), {@code null}.
 */
final class StrictJson {
    /**
     * Nesting allowed below the top-level object, counting objects and arrays; the depth nimbus'
     * JSON (Gson's default nesting limit) accepted: 255 with the top-level object.
     */
    static final int MAX_DEPTH = 254;

    /** Member names common in headers and claims, returned as constants instead of new strings. */
    private static final String[] NAMES = {"alg", "kid", "typ", "cty", "crit", "b64", "iss", "sub", "aud", "exp",
        "nbf", "iat", "jti", "scope", "scp", "roles", "azp", "client_id", "email", "name"};

    private final byte[] in;
    private final int end;
    private int pos;
    private int depth;
    private StringBuilder text; // for strings with escapes or non-ASCII characters; made on first need

    private StrictJson(byte[] in) {
        this.in = in;
        this.end = in.length;
    }

    /**
     * The top-level object of {@code json}; members with a null value are kept (callers decide),
     * so a repeated name is refused whatever its values.
     */
    static Map<String, Object> parseObject(byte[] json) throws ParseException {
        StrictJson p = new StrictJson(json);
        p.whitespace();
        if (p.pos >= p.end || p.in[p.pos] != '{') {
            throw p.error("not a JSON object");
        }
        p.pos++;
        Map<String, Object> top = p.members(new HashMap<>());
        p.whitespace();
        if (p.pos != p.end) {
            throw p.error("data after the JSON object");
        }
        return top;
    }

    /**
     * The members of the top-level object of {@code json} in their order, as {@code names[0, n)} and
     * {@code values[0, n)} with n returned; for a caller that builds its own map. Repeated names are
     * refused here as in {@link #parseObject}.
     */
    static int parseMembers(byte[] json, Members out) throws ParseException {
        StrictJson p = new StrictJson(json);
        p.whitespace();
        if (p.pos >= p.end || p.in[p.pos] != '{') {
            throw p.error("not a JSON object");
        }
        p.pos++;
        p.members(out);
        p.whitespace();
        if (p.pos != p.end) {
            throw p.error("data after the JSON object");
        }
        return out.n;
    }

    /** Growable parallel arrays of member names and values, see {@link #parseMembers}. */
    static final class Members implements MemberSink {
        String[] names = new String[16];
        Object[] values = new Object[16];
        private int[] hashes = new int[16];
        private Set<String> seen; // past SMALL members: a set rather than pairwise checks

        private static final int SMALL = 32;

        private int n;

        @Override
        public void add(String name, Object value) throws ParseException {
            int h = name.hashCode();
            if (seen != null) {
                if (!seen.add(name)) {
                    throw new ParseException("invalid JSON: member name repeated", 0);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    if (hashes[i] == h && names[i].equals(name)) {
                        throw new ParseException("invalid JSON: member name repeated", 0);
                    }
                }
                if (n == SMALL) {
                    seen = new HashSet<>(Arrays.asList(names).subList(0, n));
                    seen.add(name);
                }
            }
            if (n == names.length) {
                names = Arrays.copyOf(names, n * 2);
                values = Arrays.copyOf(values, n * 2);
                hashes = Arrays.copyOf(hashes, n * 2);
            }
            names[n] = name;
            values[n] = value;
            hashes[n] = h;
            n++;
        }
    }

    /** Where {@link #members} puts each member of an object; refuses a repeated name. */
    interface MemberSink {
        void add(String name, Object value) throws ParseException;
    }

    /** The length of {@code utf8} in UTF-16 code units, as the JSON text would be as a String (bytes unchecked). */
    static int utf16Length(byte[] utf8) {
        int n = 0;
        for (byte b : utf8) {
            if ((b & 0xC0) != 0x80) {
                n++; // every lead byte or ASCII byte starts one character
            }
            if ((b & 0xF8) == 0xF0) {
                n++; // four-byte sequences are surrogate pairs
            }
        }
        return n;
    }

    /** Reads members up to and including the closing brace; {@code pos} is just after the opening one. */
    private void members(MemberSink out) throws ParseException {
        whitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            if (next() != '"') {
                throw error("expected a member name");
            }
            String name = name();
            whitespace();
            if (next() != ':') {
                throw error("expected ':'");
            }
            whitespace();
            out.add(name, value()); // RFC 7515 4 and RFC 7519 4: a repeated name is refused, never "last one wins"
            whitespace();
            int c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
            whitespace();
        }
    }

    /** The members of an object into {@code map}, refusing a repeated name. */
    private Map<String, Object> members(Map<String, Object> map) throws ParseException {
        members((name, value) -> {
            int size = map.size();
            map.put(name, value);
            if (map.size() == size) {
                throw error("member name repeated");
            }
        });
        return map;
    }

    private List<Object> elements() throws ParseException {
        List<Object> list = new ArrayList<>();
        whitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            whitespace();
            list.add(value());
            whitespace();
            int c = next();
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private Object value() throws ParseException {
        int c = peek();
        switch (c) {
            case '"' -> {
                pos++;
                return string();
            }
            case '{' -> {
                pos++;
                nest();
                Map<String, Object> m = members(new LinkedHashMap<>());
                depth--;
                return m;
            }
            case '[' -> {
                pos++;
                nest();
                List<Object> l = elements();
                depth--;
                return l;
            }
            case 't' -> {
                literal("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                literal("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                literal("null");
                return null;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("expected a value");
            }
        }
    }

    private void nest() throws ParseException {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private void literal(String word) throws ParseException {
        int n = word.length();
        if (end - pos < n) {
            throw error("expected a value");
        }
        for (int i = 0; i < n; i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw error("expected a value");
            }
        }
        pos += n;
    }

    /** A number as nimbus typed it: Long when integral and in range, else Double; infinities refused. */
    private Object number() throws ParseException {
        int start = pos;
        boolean negative = in[pos] == '-';
        if (negative) {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            while (pos < end && isDigit(in[pos])) {
                pos++;
            }
        } else {
            throw error("expected a digit");
        }
        int integerEnd = pos;
        boolean integral = true;
        if (pos < end && in[pos] == '.') {
            integral = false;
            pos++;
            digits();
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            integral = false;
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            digits();
        }
        int firstDigit = negative ? start + 1 : start;
        if (integral && integerEnd - firstDigit <= 18) {
            long v = 0; // at most 18 digits: cannot overflow
            for (int i = firstDigit; i < integerEnd; i++) {
                v = v * 10 + (in[i] - '0');
            }
            return negative ? -v : v;
        }
        String literal = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException outOfRange) {
                // beyond a long: a Double, as before
            }
        }
        double d = Double.parseDouble(literal); // the grammar above admits nothing Java's syntax does not
        if (Double.isInfinite(d)) {
            throw error("number out of range");
        }
        return d;
    }

    private void digits() throws ParseException {
        if (pos >= end || !isDigit(in[pos])) {
            throw error("expected a digit");
        }
        while (pos < end && isDigit(in[pos])) {
            pos++;
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** A member name: common ones as constants, others as {@link #string()}. */
    private String name() throws ParseException {
        int start = pos;
        int i = start;
        while (i < end && in[i] != '"' && in[i] >= 0x20 && in[i] != '\\') {
            i++; // plain ASCII (negative bytes are non-ASCII and fail the >= test)
        }
        if (i < end && in[i] == '"') {
            int len = i - start;
            for (String known : NAMES) {
                if (known.length() == len && matches(known, start)) {
                    pos = i + 1;
                    return known;
                }
            }
        }
        return string();
    }

    private boolean matches(String known, int at) {
        for (int k = 0; k < known.length(); k++) {
            if (in[at + k] != known.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A string; {@code pos} is just after the opening quote. */
    private String string() throws ParseException {
        int start = pos;
        while (pos < end) {
            byte b = in[pos];
            if (b == '"') {
                String s = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
                pos++;
                return s;
            }
            if (b < 0x20 || b == '\\') {
                break; // a control character, an escape, or a non-ASCII byte (negative)
            }
            pos++;
        }
        StringBuilder sb = text == null ? text = new StringBuilder(64) : text;
        sb.setLength(0);
        for (int i = start; i < pos; i++) {
            sb.append((char) in[i]);
        }
        while (true) {
            if (pos >= end) {
                throw error("unterminated string");
            }
            int b = in[pos++];
            if (b == '"') {
                return sb.toString();
            } else if (b == '\\') {
                escape(sb);
            } else if (b >= 0x20) {
                sb.append((char) b);
            } else if (b >= 0) {
                throw error("control character in a string");
            } else {
                utf8(sb, b & 0xFF);
            }
        }
    }

    private void escape(StringBuilder sb) throws ParseException {
        if (pos >= end) {
            throw error("unterminated string");
        }
        int c = in[pos++];
        switch (c) {
            case '"', '\\', '/' -> sb.append((char) c);
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char u = hex4();
                if (Character.isHighSurrogate(u)) {
                    // only as the first half of a pair written as two escapes; a lone half is no character
                    if (end - pos < 2 || in[pos] != '\\' || in[pos + 1] != 'u') {
                        throw error("unpaired surrogate escape");
                    }
                    pos += 2;
                    char low = hex4();
                    if (!Character.isLowSurrogate(low)) {
                        throw error("unpaired surrogate escape");
                    }
                    sb.append(u).append(low);
                } else if (Character.isLowSurrogate(u)) {
                    throw error("unpaired surrogate escape");
                } else {
                    sb.append(u);
                }
            }
            default -> throw error("invalid escape");
        }
    }

    private char hex4() throws ParseException {
        if (end - pos < 4) {
            throw error("invalid \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int c = in[pos++];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                throw error("invalid \\u escape");
            }
            v = v << 4 | d;
        }
        return (char) v;
    }

    /**
     * One UTF-8 sequence whose lead byte {@code lead} was just read; only well-formed sequences
     * (RFC 3629: shortest form, no surrogates, at most U+10FFFF) are accepted: 255 with the top-level object.
     */
    private void utf8(StringBuilder sb, int lead) throws ParseException {
        int cp;
        int more;
        int min = 0x80;
        int max = 0xBF; // the range of the second byte, narrower after some lead bytes
        if (lead >= 0xC2 && lead <= 0xDF) {
            cp = lead & 0x1F;
            more = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            cp = lead & 0x0F;
            more = 2;
            if (lead == 0xE0) {
                min = 0xA0; // no overlong forms
            } else if (lead == 0xED) {
                max = 0x9F; // no surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            cp = lead & 0x07;
            more = 3;
            if (lead == 0xF0) {
                min = 0x90;
            } else if (lead == 0xF4) {
                max = 0x8F; // nothing above U+10FFFF
            }
        } else {
            throw error("invalid UTF-8");
        }
        for (int k = 0; k < more; k++) {
            if (pos >= end) {
                throw error("invalid UTF-8");
            }
            int b = in[pos] & 0xFF;
            if (b < (k == 0 ? min : 0x80) || b > (k == 0 ? max : 0xBF)) {
                throw error("invalid UTF-8");
            }
            pos++;
            cp = cp << 6 | (b & 0x3F);
        }
        sb.appendCodePoint(cp);
    }

    private void whitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < end ? in[pos] : -1;
    }

    private int next() {
        return pos < end ? in[pos++] : -1;
    }

    private ParseException error(String what) {
        return new ParseException("invalid JSON: " + what + " at byte " + pos, pos);
    }
}
