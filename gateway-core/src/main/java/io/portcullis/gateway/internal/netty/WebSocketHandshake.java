package io.portcullis.gateway.internal.netty;

import io.portcullis.gateway.internal.http.HeaderTokens;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * The HTTP/1.1 side of a WebSocket handshake (RFC 6455 section 4) as a proxy sees it: which
 * requests ask for an upgrade, whether one is well formed, the upgrade headers that
 * {@link HeaderRules} strips as hop-by-hop and the proxy puts back on each hop, and whether the
 * upstream accepted. The key and accept values are end-to-end: client and upstream check them.
 */
final class WebSocketHandshake {
    static final AsciiString VERSION_13 = AsciiString.cached("13");

    private WebSocketHandshake() {
    }

    /** A refused handshake: status, detail, and for 426 the version the gateway speaks. */
    record Refusal(HttpResponseStatus status, String detail, HttpHeaders headers) {
    }

    /**
     * Whether an HTTP/1.1 request asks for a WebSocket upgrade: {@code Upgrade: websocket} (any case,
     * any list position) with {@code Connection: Upgrade}. Without the connection option, or on
     * HTTP/1.0, {@code Upgrade} is ignored (RFC 9110 section 7.8) and dropped as hop-by-hop.
     */
    static boolean requested(RequestHead head, HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.UPGRADE) || head.http10()) {
            return false; // every request asks this: no list is built for the common case
        }
        return offersWebSocket(headers) && HeaderRules.namedByConnection(headers, HttpHeaderValues.UPGRADE);
    }

    private static boolean offersWebSocket(HttpHeaders headers) {
        for (String v : headers.getAll(HttpHeaderNames.UPGRADE)) {
            if (HeaderTokens.containsToken(v, HttpHeaderValues.WEBSOCKET)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks an upgrade request on a route that allows WebSocket; null when it may go on to the
     * policies and the upstream.
     */
    static Refusal check(HttpMethod method, HttpHeaders headers, RequestHead head) {
        if (!HttpMethod.GET.equals(method)) {
            return bad("a WebSocket handshake must be a GET request");
        }
        if (head.hasBody()) {
            return bad("a WebSocket handshake has no request body");
        }
        String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (version == null || !VERSION_13.contentEquals(version.trim())) {
            HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders()
                    .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION_13);
            return new Refusal(HttpResponseStatus.UPGRADE_REQUIRED,
                    "unsupported WebSocket version (expected: Sec-WebSocket-Version: 13)", h);
        }
        if (headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY).size() != 1
                || !validKey(headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            return bad("a WebSocket handshake needs one Sec-WebSocket-Key: 16 random bytes in base64");
        }
        return null;
    }

    private static Refusal bad(String detail) {
        return new Refusal(HttpResponseStatus.BAD_REQUEST, detail, HttpHeaders.EMPTY_HEADERS);
    }

    /** 16 bytes in base64 with padding: 22 base64 characters and {@code ==}. */
    static boolean validKey(String key) {
        String k = key.trim();
        if (k.length() != 24 || k.charAt(22) != '=' || k.charAt(23) != '=') {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            char c = k.charAt(i);
            boolean b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!b64) {
                return false;
            }
        }
        return true;
    }

    /** Puts the upgrade request fields back on the request to the upstream. */
    static void addUpgradeRequest(HttpHeaders upstreamRequest) {
        upstreamRequest.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        upstreamRequest.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }

    /** Whether a 101 from the upstream switched to WebSocket (and not to something the client never asked for). */
    static boolean accepted(HttpResponse res) {
        return res.status().code() == 101 && offersWebSocket(res.headers());
    }

    /**
     * The 101 for the client: the upstream's end-to-end fields ({@code Sec-WebSocket-Accept},
     * {@code -Protocol}, {@code -Extensions}, cookies...) in {@code endToEnd}, plus the upgrade fields.
     */
    static FullHttpResponse switchingProtocols(HttpHeaders endToEnd) {
        endToEnd.remove(HttpHeaderNames.CONTENT_LENGTH);
        endToEnd.remove(HttpHeaderNames.TRANSFER_ENCODING);
        endToEnd.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        endToEnd.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS,
                Unpooled.EMPTY_BUFFER, endToEnd, DefaultHttpHeadersFactory.trailersFactory().newHeaders());
    }
}
