package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/** Gateway-generated errors as RFC 9457 {@code application/problem+json} responses. */
final class Problems {
    static final AsciiString PROBLEM_JSON = AsciiString.cached("application/problem+json");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString NO_STORE = AsciiString.cached("no-store");

    private Problems() {
    }

    /**
     * A complete problem response. {@code detail} says what was wrong with this request, in words a
     * client developer can act on; it never echoes request content.
     */
    static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String detail,
                                     String requestId, boolean headRequest) {
        byte[] json = body(status, detail, requestId);
        ByteBuf content = headRequest ? alloc.buffer(0) : alloc.buffer(json.length).writeBytes(json);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        if (requestId != null) {
            res.headers().set(X_REQUEST_ID, requestId);
        }
        return res;
    }

    static byte[] body(HttpResponseStatus status, String detail, String requestId) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":\"about:blank\",\"title\":");
        quote(sb, status.reasonPhrase());
        sb.append(",\"status\":").append(status.code());
        sb.append(",\"detail\":");
        quote(sb, detail);
        if (requestId != null) {
            sb.append(",\"requestId\":");
            quote(sb, requestId);
        }
        sb.append("}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A duration for a message: {@code 800 ms}, {@code 20 s}. */
    static String duration(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
