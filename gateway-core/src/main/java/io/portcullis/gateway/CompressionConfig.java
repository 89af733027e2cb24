package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.util.List;
import java.util.Locale;

/**
 * Response compression (brotli when available and preferred, else gzip), gateway-wide or per route. Off unless enabled, like nginx's
 * {@code gzip} and Caddy's {@code encode}: compressing costs CPU, and compressing secrets next to
 * attacker-chosen text in one response can leak them (BREACH), so it is a deliberate choice.
 *
 * <p>A response is compressed when compression is enabled, the client accepts br or gzip
 * ({@code Accept-Encoding}, q-values respected), its media type matches {@code types}, its
 * declared length is at least {@code minSize} (a body of unknown length is compressed as it
 * streams), and it is not already encoded, a HEAD, 204, 206 or 304 response, or marked
 * {@code Cache-Control: no-transform}.
 *
 * @param enabled whether responses are compressed
 * @param minSize smallest {@code Content-Length} worth compressing, in bytes
 * @param types   media types, lower case: exact ({@code application/json}) or with one {@code *}
 *                ({@code text/*}, {@code application/*+json})
 * @param level   deflate level, and brotli quality, 1 (fastest) to 9 (smallest)
 */
public record CompressionConfig(boolean enabled, int minSize, List<String> types, int level) {

    /** Text formats that compress well; images, video and archives are already compressed. */
    public static final List<String> DEFAULT_TYPES = List.of(
            "text/*", "application/json", "application/*+json", "application/javascript",
            "application/xml", "application/*+xml", "application/x-ndjson", "image/svg+xml");
    public static final int DEFAULT_MIN_SIZE = 1024;
    public static final int DEFAULT_LEVEL = 5;

    private static final CompressionConfig DISABLED =
            new CompressionConfig(false, DEFAULT_MIN_SIZE, DEFAULT_TYPES, DEFAULT_LEVEL);

    public CompressionConfig {
        check(minSize >= 0, "minSize", minSize + " (expected: >= 0)");
        check(level >= 1 && level <= 9, "level", level + " (expected: 1 to 9)");
        types = List.copyOf(types == null ? DEFAULT_TYPES : types);
        for (int i = 0; i < types.size(); i++) {
            String t = types.get(i);
            check(t != null && validType(t), "types[" + i + "]",
                    "'" + t + "' (expected: a lower-case media type such as application/json, text/* or application/*+json)");
        }
    }

    private static boolean validType(String t) {
        int slash = t.indexOf('/');
        int star = t.indexOf('*');
        return slash > 0 && slash < t.length() - 1 && t.indexOf('/', slash + 1) < 0
                && (star < 0 || (star > slash && t.indexOf('*', star + 1) < 0))
                && t.equals(t.toLowerCase(Locale.ROOT)) && t.chars().noneMatch(c -> c == ' ' || c == ';' || c == ',');
    }

    /** Compression off (the default). */
    public static CompressionConfig disabled() {
        return DISABLED;
    }

    /** gzip on, with the default types, a 1 KiB minimum and level 5. */
    public static CompressionConfig gzip() {
        return new CompressionConfig(true, DEFAULT_MIN_SIZE, DEFAULT_TYPES, DEFAULT_LEVEL);
    }

    public CompressionConfig withMinSize(int v) {
        return new CompressionConfig(enabled, v, types, level);
    }

    public CompressionConfig withTypes(List<String> v) {
        return new CompressionConfig(enabled, minSize, v, level);
    }

    public CompressionConfig withLevel(int v) {
        return new CompressionConfig(enabled, minSize, types, v);
    }

    /**
     * Whether the media type of a {@code Content-Type} value (parameters ignored, case-insensitive)
     * is one of {@link #types()}. Allocation-free: it runs for every eligible response.
     */
    public boolean compressible(CharSequence contentType) {
        int end = 0;
        int n = contentType.length();
        while (end < n && contentType.charAt(end) != ';') {
            end++;
        }
        int start = 0;
        while (start < end && contentType.charAt(start) == ' ') {
            start++;
        }
        while (end > start && (contentType.charAt(end - 1) == ' ' || contentType.charAt(end - 1) == '\t')) {
            end--;
        }
        for (int i = 0, size = types.size(); i < size; i++) {
            if (matches(types.get(i), contentType, start, end)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, CharSequence s, int start, int end) {
        int star = pattern.indexOf('*');
        int len = end - start;
        if (star < 0) {
            return len == pattern.length() && regionEqualsIgnoreCase(s, start, pattern, 0, len);
        }
        int suffix = pattern.length() - star - 1;
        return len >= star + suffix
                && regionEqualsIgnoreCase(s, start, pattern, 0, star)
                && regionEqualsIgnoreCase(s, end - suffix, pattern, star + 1, suffix);
    }

    private static boolean regionEqualsIgnoreCase(CharSequence s, int from, String lower, int lowerFrom, int len) {
        for (int i = 0; i < len; i++) {
            char c = s.charAt(from + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            if (c != lower.charAt(lowerFrom + i)) {
                return false;
            }
        }
        return true;
    }
}
