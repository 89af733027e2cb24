package io.portcullis.gateway.internal.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;
import io.portcullis.gateway.Limits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Header checks shared by HTTP/1.1 and HTTP/2 requests, and the hop-by-hop rules of RFC 9110
 * section 7.6.1. Netty's decoders already reject most malformed names; these checks add what a
 * proxy needs so that the upstream never sees an ambiguous request.
 */
final class HeaderRules {
    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    /**
     * Other headers that frameworks (Spring's ForwardedHeaderFilter, Tomcat's RemoteIpValve, ...)
     * read as facts about the client or the front end; dropped unless the peer is a trusted proxy.
     */
    static final AsciiString[] PROXY_FACTS = {
        AsciiString.cached("x-forwarded-port"), AsciiString.cached("x-forwarded-prefix"),
        AsciiString.cached("x-forwarded-ssl"), AsciiString.cached("x-forwarded-server"),
        AsciiString.cached("x-forwarded-scheme"), AsciiString.cached("x-real-ip"),
        AsciiString.cached("x-client-ip"), AsciiString.cached("true-client-ip"),
        AsciiString.cached("x-original-forwarded-for"), AsciiString.cached("front-end-https"),
        AsciiString.cached("x-forwarded-client-cert"),
    };

    /** Envoy's header for the client certificate the gateway verified (mutual TLS). */
    static final AsciiString X_FORWARDED_CLIENT_CERT = AsciiString.cached("x-forwarded-client-cert");

    /**
     * HPACK fields sent as "never indexed" (RFC 7541 section 6.2.3) on every HTTP/2 connection, to
     * clients and to upstreams. Credentials and cookies: an upstream connection carries the requests
     * of many clients, and a value in its shared compression table could be recovered by one client
     * probing the sizes of its own requests (section 7.1.3). {@code x-request-id}: a new value on every
     * message, which would only churn the table and evict useful entries.
     */
    static final Http2HeadersEncoder.SensitivityDetector NEVER_INDEXED = (name, value) ->
            HttpHeaderNames.AUTHORIZATION.contentEqualsIgnoreCase(name)
                    || HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name)
                    || HttpHeaderNames.SET_COOKIE.contentEqualsIgnoreCase(name)
                    || HttpHeaderNames.PROXY_AUTHORIZATION.contentEqualsIgnoreCase(name)
                    || Problems.X_REQUEST_ID.contentEqualsIgnoreCase(name);

    private HeaderRules() {
    }

    /** A rejected request: the status to answer and why. */
    record Violation(HttpResponseStatus status, String detail) {
    }

    /**
     * Checks field count and size, names (no underscore, no space: they are ambiguous to upstreams
     * that fold {@code _} into {@code -}) and values (no CR, LF, NUL or other controls but HTAB).
     * Returns null when the headers are acceptable.
     */
    static Violation check(HttpHeaders headers, Limits limits) {
        int count = 0;
        int maxField = limits.maxHeaderFieldBytes();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (++count > limits.maxHeaderCount()) {
                return new Violation(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "too many header fields (limit " + limits.maxHeaderCount() + ")");
            }
            CharSequence name = e.getKey();
            CharSequence value = e.getValue();
            if (name.length() + value.length() > maxField) {
                return new Violation(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "header field '" + safeName(name) + "' is larger than " + maxField + " bytes");
            }
            if (!validName(name)) {
                return new Violation(HttpResponseStatus.BAD_REQUEST,
                        "invalid header field name (allowed: letters, digits and !#$%&'*+-.^`|~; no underscore or space)");
            }
            if (!validValue(value)) {
                return new Violation(HttpResponseStatus.BAD_REQUEST,
                        "header field '" + safeName(name) + "' has a control character (CR, LF, NUL, ...) in its value");
            }
        }
        return null;
    }

    private static String safeName(CharSequence name) {
        return validName(name) && name.length() <= 64 ? name.toString() : "?";
    }

    static boolean validName(CharSequence name) {
        int n = name.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\''
                    || c == '*' || c == '+' || c == '.' || c == '^' || c == '`' || c == '|' || c == '~';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean validValue(CharSequence value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code name} is hop-by-hop, i.e. must not be forwarded: the fixed set of RFC 9110
     * plus {@code Proxy-*}. Names listed in {@code Connection} are checked separately.
     */
    static boolean isHopByHop(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER)
                || startsWithIgnoreCase(name, "proxy-");
    }

    private static final String[] NO_OPTIONS = {};

    /**
     * The tokens of the {@code Connection} header values other than {@code keep-alive} (a hop-by-hop
     * name anyway): the header names a copy must drop. Most messages carry none or only
     * {@code keep-alive}, and then no array is made: the shared empty one comes back.
     */
    static String[] connectionOptions(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return NO_OPTIONS;
        }
        List<String> options = null;
        for (String v : headers.getAll(HttpHeaderNames.CONNECTION)) {
            int start = 0;
            for (int i = 0; i <= v.length(); i++) {
                if (i == v.length() || v.charAt(i) == ',') {
                    int s = start;
                    int e = i;
                    while (s < e && (v.charAt(s) == ' ' || v.charAt(s) == '\t')) {
                        s++;
                    }
                    while (e > s && (v.charAt(e - 1) == ' ' || v.charAt(e - 1) == '\t')) {
                        e--;
                    }
                    if (e > s && !(e - s == KEEP_ALIVE.length() && v.regionMatches(true, s, KEEP_ALIVE.toString(), 0, e - s))) {
                        if (options == null) {
                            options = new ArrayList<>(2);
                        }
                        options.add(v.substring(s, e));
                    }
                    start = i + 1;
                }
            }
        }
        return options == null ? NO_OPTIONS : options.toArray(NO_OPTIONS);
    }

    /**
     * Whether {@code name} is one of the tokens of the {@code Connection} header values
     * ({@code keep-alive} excepted, see {@link #connectionOptions}).
     */
    static boolean namedByConnection(HttpHeaders headers, CharSequence name) {
        for (String option : connectionOptions(headers)) {
            if (AsciiString.contentEqualsIgnoreCase(option, name)) {
                return true;
            }
        }
        return false;
    }

    static boolean startsWithIgnoreCase(CharSequence s, String prefix) {
        if (s.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            if (c != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies {@code from} into {@code to}, leaving out hop-by-hop fields, fields named by
     * {@code Connection}, and every name in {@code skip} (fields the proxy sets itself).
     */
    static void copyEndToEnd(HttpHeaders from, HttpHeaders to, AsciiString... skip) {
        String[] connectionNamed = connectionOptions(from);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
        outer:
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (isHopByHop(name) || startsWithIgnoreCase(name, "x-http2-")) {
                continue;
            }
            for (AsciiString s : skip) {
                if (s.contentEqualsIgnoreCase(name)) {
                    continue outer;
                }
            }
            for (String option : connectionNamed) {
                if (option.length() == name.length() && AsciiString.contentEqualsIgnoreCase(option, name)) {
                    continue outer;
                }
            }
            to.add(name, e.getValue());
        }
    }
}
