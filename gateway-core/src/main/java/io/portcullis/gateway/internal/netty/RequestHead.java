package io.portcullis.gateway.internal.netty;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.internal.http.InvalidRequestException;
import io.portcullis.gateway.internal.http.PathNormalizer;
import io.portcullis.gateway.internal.http.RequestTarget;
import java.util.List;

/**
 * The parsed, checked head of a client request, the same for HTTP/1.1 and HTTP/2: one normalised
 * host and path that routing, policies and forwarding all use.
 *
 * @param host          normalised host (lower case, no port), or empty when the request had none
 * @param authority     the authority as the client sent it (for X-Forwarded-Host and redirects)
 * @param path          normalised path
 * @param query         raw query without {@code ?}, or null
 * @param contentLength declared body length, or -1 when the body is chunked / unknown
 * @param hasBody       whether a body follows the head
 */
record RequestHead(
        HttpMethod method,
        String host,
        String authority,
        String path,
        String query,
        long contentLength,
        boolean hasBody,
        boolean expectContinue,
        boolean keepAlive,
        boolean http10) {

    /** Why a request is refused: the status, a message for the client, and whether the connection must close. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final HttpResponseStatus status;
        final boolean closeConnection;

        Rejected(HttpResponseStatus status, String detail, boolean closeConnection) {
            super(detail, null, false, false);
            this.status = status;
            this.closeConnection = closeConnection;
        }
    }

    /** The path with its query, as sent upstream after rewriting. */
    String pathAndQuery(String rewrittenPath) {
        return query == null ? rewrittenPath : rewrittenPath + '?' + query;
    }

    static RequestHead parse(HttpRequest req, boolean h2, Limits limits) throws Rejected {
        DecoderResult dr = req.decoderResult();
        if (dr.isFailure()) {
            throw decoderFailure(dr.cause(), limits);
        }
        HttpHeaders headers = req.headers();
        HeaderRules.Violation v = HeaderRules.check(headers, limits);
        if (v != null) {
            throw new Rejected(v.status(), v.detail(), true);
        }
        boolean http10 = !h2 && req.protocolVersion().equals(HttpVersion.HTTP_1_0);

        // Body framing: exactly "chunked", or a Content-Length (Netty already refused conflicting lengths).
        boolean full = req instanceof FullHttpRequest;
        long contentLength = -1;
        boolean hasBody;
        List<String> te = headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? headers.getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
        if (!te.isEmpty()) {
            // (for HTTP/2, Netty's frame-to-HTTP/1 codec adds exactly "chunked" to bodies without a length)
            boolean onlyChunked = te.size() == 1 && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(te.get(0).trim());
            if (!onlyChunked || http10) {
                throw new Rejected(HttpResponseStatus.BAD_REQUEST,
                        "unsupported Transfer-Encoding (only 'chunked' is accepted, on HTTP/1.1)", true);
            }
            hasBody = !full;
        } else {
            contentLength = HttpUtil.getContentLength(req, -1L);
            hasBody = full ? ((FullHttpRequest) req).content().isReadable() : contentLength > 0 || h2;
            if (full && contentLength < 0) {
                contentLength = ((FullHttpRequest) req).content().readableBytes();
            }
        }

        // Target and authority.
        RequestTarget target;
        try {
            target = PathNormalizer.parseTarget(req.uri());
        } catch (InvalidRequestException e) {
            throw new Rejected(HttpResponseStatus.BAD_REQUEST, e.getMessage(), true);
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        String authority;
        if (hosts.size() > 1) {
            // HTTP/2: ":authority" became Host and the client may also have sent a host field.
            boolean same = h2 && hosts.stream().allMatch(h -> h.equals(hosts.get(0)));
            if (!same) {
                throw new Rejected(HttpResponseStatus.BAD_REQUEST, h2
                        ? "':authority' and 'host' disagree" : "more than one Host header", true);
            }
        }
        authority = hosts.isEmpty() ? null : hosts.get(0);
        if (target.authorityOrNull() != null) {
            if (authority != null && !authority.equalsIgnoreCase(target.authorityOrNull())) {
                throw new Rejected(HttpResponseStatus.BAD_REQUEST,
                        "the request target's authority and the Host header disagree", true);
            }
            authority = target.authorityOrNull();
        }
        if (authority == null && !http10) {
            throw new Rejected(HttpResponseStatus.BAD_REQUEST,
                    h2 ? "missing ':authority'" : "missing Host header (required by HTTP/1.1)", true);
        }
        String host;
        String path;
        try {
            host = authority == null ? "" : PathNormalizer.normalizeHost(authority);
            if ("*".equals(target.rawPath())) {
                if (!HttpMethod.OPTIONS.equals(req.method())) {
                    throw new InvalidRequestException("'*' is only allowed with OPTIONS");
                }
                path = "*";
            } else {
                path = PathNormalizer.normalize(target.rawPath());
            }
        } catch (InvalidRequestException e) {
            throw new Rejected(HttpResponseStatus.BAD_REQUEST, e.getMessage(), true);
        }

        String expect = headers.get(HttpHeaderNames.EXPECT);
        boolean expectContinue = false;
        if (expect != null) {
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
                throw new Rejected(HttpResponseStatus.EXPECTATION_FAILED,
                        "only 'Expect: 100-continue' is supported", !hasBody);
            }
            expectContinue = hasBody && !http10; // RFC 9110 10.1.1: ignore the expectation from HTTP/1.0
        }
        boolean keepAlive = h2 || HttpUtil.isKeepAlive(req);
        return new RequestHead(req.method(), host, authority, path, target.rawQueryOrNull(), contentLength,
                hasBody, expectContinue, keepAlive, http10);
    }

    private static Rejected decoderFailure(Throwable cause, Limits limits) {
        if (cause instanceof TooLongHttpLineException) {
            return new Rejected(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "request line is longer than " + limits.maxRequestLineBytes() + " bytes", true);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Rejected(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "request header block is larger than " + limits.maxHeaderBlockBytes() + " bytes", true);
        }
        if (cause instanceof TooLongFrameException) {
            return new Rejected(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head is too large", true);
        }
        if (cause instanceof StrictHttpRequestDecoder.ContentLengthWithChunkedException
                || cause instanceof StrictHttpRequestDecoder.ObsFoldException) {
            return new Rejected(HttpResponseStatus.BAD_REQUEST, "ambiguous request: " + cause.getMessage(), true);
        }
        return new Rejected(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request ("
                + cause.getClass().getSimpleName().replace("Exception", "") + ")", true);
    }
}
