package io.portcullis.gateway.internal.http;

import io.portcullis.gateway.internal.net.IpLiterals;

import io.portcullis.gateway.internal.net.IpLiterals;

/**
 * Canonical forms of the request target and Host, computed before routing so that every policy
 * and route sees one spelling of a path. All methods throw {@link InvalidRequestException} (400)
 * for input the gateway will not forward.
 *
 * <p>Everything here is written for the request path: no regex, no streams, and the common case
 * (an already normal path or host) returns the argument itself without allocating.
 */
public final class PathNormalizer {

    private static final RequestTarget ASTERISK = new RequestTarget(null, "*", null);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Longest DNS name, without a trailing dot (RFC 1035). */
    private static final int MAX_HOST_NAME = 253;

    private PathNormalizer() {
    }

    /**
     * Normalises the path of an origin-form request target (without query):
     * <ul>
     *   <li>percent-escapes of unreserved characters (ALPHA DIGIT {@code - . _ ~}) are decoded,
     *       every other escape is kept with upper-case hex ({@code %2f} becomes {@code %2F}, so an
     *       encoded slash never becomes a separator);</li>
     *   <li>duplicate slashes are merged, then {@code .} and {@code ..} segments are removed as in
     *       RFC 3986 section 5.2.4 (also when they were percent-encoded); {@code ..} never climbs
     *       above the root; a trailing slash, or one implied by a final dot segment, is kept.</li>
     * </ul>
     * Rejected: a path not starting with {@code /}; malformed escapes; {@code %00}; raw control
     * characters, space, backslash, DEL and non-ASCII; raw {@code ?} and {@code #} (they cannot be
     * part of a path and would change meaning once forwarded).
     *
     * @return {@code rawPath} itself when it is already normal
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new InvalidRequestException("path must start with /");
        }
        int n = rawPath.length();
        for (int i = 0; i < n; i++) {
            char c = rawPath.charAt(i);
            if (c == '/') {
                if (i + 1 < n) {
                    char next = rawPath.charAt(i + 1);
                    if (next == '/' || (next == '.' && isDotSegment(rawPath, i + 1, n))) {
                        return rewrite(rawPath);
                    }
                    if (next == '.') {
                        checkNoDotSegmentParameters(rawPath, i + 1, n);
                    }
                }
            } else if (c == '%') {
                int v = escapeValue(rawPath, i, n);
                if (isUnreserved(v) || isLowerHex(rawPath.charAt(i + 1)) || isLowerHex(rawPath.charAt(i + 2))) {
                    return rewrite(rawPath);
                }
                i += 2;
            } else {
                checkRawPathChar(c);
            }
        }
        return rawPath;
    }

    /** The slow path: decode into a buffer, then merge slashes and remove dot segments in place. */
    private static String rewrite(String p) {
        int n = p.length();
        char[] buf = new char[n];
        int w = 0;
        for (int i = 0; i < n; i++) {
            char c = p.charAt(i);
            if (c == '%') {
                int v = escapeValue(p, i, n);
                if (isUnreserved(v)) {
                    buf[w++] = (char) v;
                } else {
                    buf[w++] = '%';
                    buf[w++] = HEX[v >> 4];
                    buf[w++] = HEX[v & 0xF];
                }
                i += 2;
            } else {
                checkRawPathChar(c);
                buf[w++] = c;
            }
        }
        // Segments are read from buf[r..] and written to buf[..o]; o < r always holds, so the
        // copy can be done in place. buf[0] is the leading '/'.
        int o = 0;
        int r = 1;
        boolean trailingSlash = false;
        while (true) {
            int segEnd = r;
            while (segEnd < w && buf[segEnd] != '/') {
                segEnd++;
            }
            boolean last = segEnd == w;
            int len = segEnd - r;
            if (len > 1 && buf[r] == '.' && (buf[r + 1] == ';' || (len > 2 && buf[r + 1] == '.' && buf[r + 2] == ';'))) {
                throw dotSegmentParameters();
            }
            if (len == 0 || (len == 1 && buf[r] == '.')) {
                trailingSlash = last; // "//" merges; "/." vanishes but "/a/." keeps its slash
            } else if (len == 2 && buf[r] == '.' && buf[r + 1] == '.') {
                while (o > 0 && buf[--o] != '/') {
                    // back to the slash before the last output segment (or the root)
                }
                trailingSlash = last;
            } else {
                buf[o++] = '/';
                System.arraycopy(buf, r, buf, o, len);
                o += len;
                trailingSlash = false;
            }
            if (last) {
                break;
            }
            r = segEnd + 1;
        }
        if (trailingSlash || o == 0) {
            buf[o++] = '/';
        }
        return new String(buf, 0, o);
    }

    /**
     * Rejects {@code /.;x} and {@code /..;x}: servlet containers drop the {@code ;x} and then resolve
     * the dot segment, after the gateway routed on the path that still had it ({@code /api/..;/admin}).
     */
    private static void checkNoDotSegmentParameters(String s, int i, int n) {
        if ((i + 1 < n && s.charAt(i + 1) == ';') || (i + 2 < n && s.charAt(i + 1) == '.' && s.charAt(i + 2) == ';')) {
            throw dotSegmentParameters();
        }
    }

    private static InvalidRequestException dotSegmentParameters() {
        return new InvalidRequestException("path parameters on a dot segment (/..;/) are ambiguous");
    }

    /** Whether {@code s[i..]} starts a "." or ".." segment (s[i] is '.', s[i-1] is '/'). */
    private static boolean isDotSegment(String s, int i, int n) {
        if (i + 1 == n || s.charAt(i + 1) == '/') {
            return true;
        }
        return s.charAt(i + 1) == '.' && (i + 2 == n || s.charAt(i + 2) == '/');
    }

    /** The byte value of the escape at {@code s[i]} (a '%'); rejects malformed escapes and %00. */
    private static int escapeValue(String s, int i, int n) {
        if (i + 2 >= n) {
            throw new InvalidRequestException("invalid percent-encoding in path");
        }
        int hi = hexValue(s.charAt(i + 1));
        int lo = hexValue(s.charAt(i + 2));
        if (hi < 0 || lo < 0) {
            throw new InvalidRequestException("invalid percent-encoding in path");
        }
        int v = (hi << 4) | lo;
        if (v == 0) {
            throw new InvalidRequestException("encoded NUL in path");
        }
        return v;
    }

    private static void checkRawPathChar(char c) {
        if (c <= ' ' || c >= 0x7F || c == '\\' || c == '?' || c == '#') {
            throw new InvalidRequestException("invalid character in path");
        }
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isLowerHex(char c) {
        return c >= 'a' && c <= 'f';
    }

    private static int hexValue(char c) {
        return IpLiterals.hexValue(c);
    }

    /**
     * The host of a Host header (or absolute-form authority), lower-cased, without port and
     * without a trailing dot ({@code Example.COM.:8443} becomes {@code example.com}). A bracketed
     * IPv6 literal keeps its brackets ({@code [::1]:443} becomes {@code [::1]}); its text is only
     * lower-cased, not rewritten to the RFC 5952 form. An empty value (allowed by RFC 9112 when the
     * target has no authority) gives the empty string.
     *
     * <p>Accepted host names: labels of ASCII letters, digits and {@code -} separated by single
     * dots, at most 253 characters; {@code _}, percent-escapes and everything else are rejected.
     * A port, if present, must be 1-65535.
     *
     * @return the argument itself (as a String) when it is already lower-case, without port or
     *         trailing dot
     * @throws InvalidRequestException "invalid Host header", or "missing Host header" for null
     */
    public static String normalizeHost(CharSequence value) {
        if (value == null) {
            throw new InvalidRequestException("missing Host header");
        }
        int n = value.length();
        if (n == 0) {
            return "";
        }
        boolean upper = false;
        int hostEnd;
        boolean trailingDot = false;
        if (value.charAt(0) == '[') {
            int close = 1;
            while (close < n && value.charAt(close) != ']') {
                close++;
            }
            if (close == n || !IpLiterals.parseIpv6(value, 1, close, null)) {
                throw invalidHost();
            }
            for (int i = 1; i < close; i++) {
                char c = value.charAt(i);
                upper |= c >= 'A' && c <= 'F';
            }
            hostEnd = close + 1;
        } else {
            int labelStart = 0;
            int i = 0;
            for (; i < n; i++) {
                char c = value.charAt(i);
                if (c == ':') {
                    break;
                }
                if (c == '.') {
                    if (i == labelStart) {
                        throw invalidHost(); // empty label: leading dot or ".."
                    }
                    labelStart = i + 1;
                } else if (c >= 'A' && c <= 'Z') {
                    upper = true;
                } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    throw invalidHost();
                }
            }
            hostEnd = i;
            trailingDot = hostEnd > 0 && labelStart == hostEnd;
            if (hostEnd == 0 || hostEnd - (trailingDot ? 1 : 0) > MAX_HOST_NAME) {
                throw invalidHost();
            }
        }
        if (hostEnd < n) {
            checkPort(value, hostEnd, n);
        }
        int end = trailingDot ? hostEnd - 1 : hostEnd;
        if (!upper) {
            String s = value.toString();
            return end == n ? s : s.substring(0, end);
        }
        char[] out = new char[end];
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            out[i] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return new String(out);
    }

    private static void checkPort(CharSequence s, int colon, int n) {
        if (s.charAt(colon) != ':' || n - colon - 1 < 1 || n - colon - 1 > 5) {
            throw invalidHost();
        }
        int port = 0;
        for (int i = colon + 1; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw invalidHost();
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw invalidHost();
        }
    }

    private static InvalidRequestException invalidHost() {
        return new InvalidRequestException("invalid Host header");
    }

    /**
     * Splits a request-target (RFC 9112, 3.2). Accepted: origin form {@code /p?q}; absolute form
     * {@code http://host[:port]/p?q} and {@code https://...} (scheme case-insensitive, path
     * defaults to {@code /}, authority validated as by {@link #normalizeHost(CharSequence)}, user
     * info rejected); asterisk form {@code *}. Rejected: authority form (CONNECT), relative
     * references, other schemes, any {@code #} fragment, and raw space, control or non-ASCII
     * characters in the query. The path is not checked here: {@link #normalize(String)} does that.
     */
    public static RequestTarget parseTarget(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new InvalidRequestException("empty request target");
        }
        char first = uri.charAt(0);
        if (first == '/') {
            return split(uri, null, 0);
        }
        if (first == '*' && uri.length() == 1) {
            return ASTERISK;
        }
        int authStart;
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            authStart = 7;
        } else if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            authStart = 8;
        } else {
            throw new InvalidRequestException("unsupported request target form");
        }
        int n = uri.length();
        int authEnd = authStart;
        while (authEnd < n) {
            char c = uri.charAt(authEnd);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            authEnd++;
        }
        String authority = uri.substring(authStart, authEnd);
        if (authority.indexOf('@') >= 0) {
            throw new InvalidRequestException("user info in request target");
        }
        if (authority.isEmpty()) {
            throw new InvalidRequestException("missing authority in request target");
        }
        normalizeHost(authority); // validation only; the caller normalises what it uses
        if (authEnd == n) {
            return new RequestTarget(authority, "/", null);
        }
        return split(uri, authority, authEnd);
    }

    /** Splits {@code uri[from..]}, which starts with '/', '?' or '#', into path and query. */
    private static RequestTarget split(String uri, String authority, int from) {
        int n = uri.length();
        int q = -1;
        for (int i = from; i < n; i++) {
            char c = uri.charAt(i);
            if (c == '#') {
                throw new InvalidRequestException("fragment in request target");
            }
            if (q < 0) {
                if (c == '?') {
                    q = i;
                }
            } else if (c <= ' ' || c >= 0x7F) {
                throw new InvalidRequestException("invalid character in query");
            }
        }
        int pathEnd = q < 0 ? n : q;
        String path = from == pathEnd ? "/" : from == 0 && pathEnd == n ? uri : uri.substring(from, pathEnd);
        return new RequestTarget(authority, path, q < 0 ? null : uri.substring(q + 1));
    }
}
