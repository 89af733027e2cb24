package io.portcullis.gateway.internal.compress;

import io.portcullis.gateway.internal.http.HeaderTokens;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.portcullis.gateway.CompressionConfig;
import java.util.List;

/**
 * Decides whether one response is compressed on its way to the client (brotli when the client
 * prefers or equally accepts it and brotli is {@linkplain Brotli#available() available}, else gzip),
 * and rewrites its header fields when it is: {@code Content-Encoding}, no {@code Content-Length} (the body is
 * then chunked, or plain DATA frames on HTTP/2), a strong {@code ETag} made weak (the bytes differ
 * from the upstream's), and {@code Vary: Accept-Encoding} on every response that could have been
 * compressed, so that caches keep both forms apart.
 */
public final class ResponseCompression {
    private static final String GZIP = "gzip";
    private static final String X_GZIP = "x-gzip";
    private static final String BR = "br";

    private ResponseCompression() {
    }

    /**
     * Returns an encoder for the response body, or null to send it as it is.
     *
     * @param status   the response status; the caller has already excluded HEAD, 204 and 304 (no body)
     * @param response the response fields going to the client, changed when compressing
     */
    public static BodyEncoder begin(CompressionConfig config, HttpHeaders request, int status, HttpHeaders response,
                                    ByteBufAllocator alloc) {
        if (!config.enabled() || status < 200 || status == 204 || status == 206 || status == 304
                || response.contains(HttpHeaderNames.CONTENT_ENCODING)
                || response.contains(HttpHeaderNames.CONTENT_RANGE)) {
            return null;
        }
        String type = response.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !config.compressible(type) || noTransform(response)) {
            return null;
        }
        long length = contentLength(response);
        if (length >= 0 && length < config.minSize()) {
            return null;
        }
        addVary(response);
        Coding coding = choose(request, Brotli.available());
        if (coding == Coding.IDENTITY) {
            return null;
        }
        response.set(HttpHeaderNames.CONTENT_ENCODING, coding == Coding.BR ? HttpHeaderValues.BR : HttpHeaderValues.GZIP);
        response.remove(HttpHeaderNames.CONTENT_LENGTH);
        String etag = response.get(HttpHeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            response.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return coding == Coding.BR ? Brotli.encoder(config.level(), alloc) : new GzipEncoder(config.level(), alloc);
    }

    /** A content coding the gateway can produce. */
    enum Coding { IDENTITY, GZIP, BR }

    private static long contentLength(HttpHeaders h) {
        String v = h.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1; // the upstream decoder already refused bad lengths; be safe anyway
        }
    }

    private static boolean noTransform(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.CACHE_CONTROL)) {
            if (HeaderTokens.containsToken(v, HttpHeaderValues.NO_TRANSFORM)) {
                return true;
            }
        }
        return false;
    }

    /** Adds Accept-Encoding to Vary unless it is already there or Vary is {@code *}. */
    static void addVary(HttpHeaders h) {
        List<String> vary = h.getAll(HttpHeaderNames.VARY);
        for (String v : vary) {
            if (v.trim().equals("*") || HeaderTokens.containsToken(v, HttpHeaderNames.ACCEPT_ENCODING)) {
                return;
            }
        }
        if (vary.isEmpty()) {
            h.set(HttpHeaderNames.VARY, "Accept-Encoding");
        } else {
            h.set(HttpHeaderNames.VARY, String.join(", ", vary) + ", Accept-Encoding");
        }
    }

    /**
     * The coding to use for a request's {@code Accept-Encoding} (RFC 9110 section 12.5.3): a coding
     * listed with a non-zero q-value ({@code x-gzip} counts as gzip), or else allowed by {@code *};
     * {@code q=0} refuses it. Between brotli and gzip the higher q-value wins, brotli on a tie.
     */
    static Coding choose(HttpHeaders request, boolean brotli) {
        int gzip = -1; // -1 not listed, else the q-value in thousandths
        int br = -1;
        int any = -1;
        for (String v : request.getAll(HttpHeaderNames.ACCEPT_ENCODING)) {
            int start = 0;
            for (int i = 0; i <= v.length(); i++) {
                if (i == v.length() || v.charAt(i) == ',') {
                    int semi = v.indexOf(';', start);
                    int nameEnd = semi >= 0 && semi < i ? semi : i;
                    String name = v.substring(start, nameEnd).trim();
                    int q = semi >= 0 && semi < i ? q(v, semi + 1, i) : 1000;
                    if (name.equalsIgnoreCase(GZIP) || name.equalsIgnoreCase(X_GZIP)) {
                        gzip = Math.max(gzip, q);
                    } else if (name.equalsIgnoreCase(BR)) {
                        br = Math.max(br, q);
                    } else if (name.equals("*")) {
                        any = Math.max(any, q);
                    }
                    start = i + 1;
                }
            }
        }
        gzip = gzip >= 0 ? gzip : Math.max(any, 0);
        br = br >= 0 ? br : Math.max(any, 0);
        if (brotli && br > 0 && br >= gzip) {
            return Coding.BR;
        }
        return gzip > 0 ? Coding.GZIP : Coding.IDENTITY;
    }

    /** The q-value in the parameters {@code v[from, to)} in thousandths (no q: 1000; malformed: 0). */
    private static int q(String v, int from, int to) {
        int at = -1;
        for (int i = from; i < to - 1; i++) {
            char c = v.charAt(i);
            if ((c == 'q' || c == 'Q') && v.charAt(i + 1) == '=' && onlySpaceOrSemicolonBefore(v, from, i)) {
                at = i + 2;
                break;
            }
        }
        if (at < 0) {
            return 1000;
        }
        int end = at;
        while (end < to && v.charAt(end) != ';' && v.charAt(end) != ' ' && v.charAt(end) != '\t') {
            end++;
        }
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
        if (end == at || (v.charAt(at) != '0' && v.charAt(at) != '1')) {
            return 0;
        }
        int value = (v.charAt(at) - '0') * 1000;
        if (end > at + 1) {
            if (v.charAt(at + 1) != '.' || end - at - 2 > 3) {
                return 0;
            }
            int scale = 100;
            for (int i = at + 2; i < end; i++, scale /= 10) {
                char d = v.charAt(i);
                if (d < '0' || d > '9') {
                    return 0;
                }
                value += (d - '0') * scale;
            }
        }
        return Math.min(value, 1000);
    }

    private static boolean onlySpaceOrSemicolonBefore(String v, int from, int i) {
        int j = i - 1;
        while (j >= from && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
            j--;
        }
        return j < from || v.charAt(j) == ';';
    }
}
