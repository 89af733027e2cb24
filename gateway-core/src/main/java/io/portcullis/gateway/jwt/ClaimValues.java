package io.portcullis.gateway.jwt;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reading claims: dotted paths into nested objects, scope and role lists, header-safe text. */
final class ClaimValues {
    static final int MAX_HEADER_VALUE = 4096;

    private ClaimValues() {
    }

    /** The value at a dotted path ({@code realm_access.roles}); a claim named with the dots wins. */
    static Object at(Map<String, Object> claims, String path) {
        Object direct = claims.get(path);
        if (direct != null || path.indexOf('.') < 0) {
            return direct;
        }
        Object node = claims;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    /**
     * A list claim, or a space- or comma-separated text, as a set of names; immutable, so that
     * {@code Principal} keeps it as it is (its {@code Set.copyOf} of any other set copies it twice).
     */
    static Set<String> names(Object value) {
        Names out = new Names();
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        } else if (value instanceof String s) {
            // split on spaces and commas by hand: String.split with a character class compiles a regex per call
            int start = 0;
            for (int i = 0; i <= s.length(); i++) {
                if (i == s.length() || s.charAt(i) == ' ' || s.charAt(i) == ',') {
                    if (i > start) {
                        out.add(s.substring(start, i));
                    }
                    start = i + 1;
                }
            }
        }
        return out.set();
    }

    /** Distinct names: a few compared pairwise, more in a hash set (a token may list thousands). */
    private static final class Names {
        private static final int FEW = 8;
        private final String[] few = new String[FEW];
        private int n;
        private Set<String> many;

        void add(String s) {
            if (many != null) {
                many.add(s);
                return;
            }
            for (int i = 0; i < n; i++) {
                if (few[i].equals(s)) {
                    return;
                }
            }
            if (n == FEW) {
                many = new HashSet<>(Arrays.asList(few));
                many.add(s);
                return;
            }
            few[n++] = s;
        }

        Set<String> set() {
            if (many != null) {
                return Set.copyOf(many);
            }
            return n == 0 ? Set.of() : Set.of(Arrays.copyOf(few, n));
        }
    }

    /**
     * A claim as one header value: text, number or boolean as is, a list joined with commas; null
     * for objects, or for anything with control characters or longer than {@link #MAX_HEADER_VALUE}
     * (a claim must never be able to inject a header line).
     */
    static String headerValue(Object value) {
        String text;
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            text = String.valueOf(value);
        } else if (value instanceof Collection<?> c) {
            StringBuilder sb = new StringBuilder();
            for (Object o : c) {
                if (!(o instanceof String || o instanceof Number || o instanceof Boolean)) {
                    return null;
                }
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(o);
            }
            text = sb.toString();
        } else {
            return null;
        }
        if (text.length() > MAX_HEADER_VALUE) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ch > 0xff) {
                return null;
            }
        }
        return text;
    }
}
