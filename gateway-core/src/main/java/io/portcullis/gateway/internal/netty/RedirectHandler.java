package io.portcullis.gateway.internal.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The cleartext listener of an HTTPS site: {@code 301} to {@code https://host[:port]/path?query},
 * except ACME http-01 challenges, answered from {@link io.portcullis.gateway.AcmeChallenges},
 * and the health path. The request head goes through the same strict parsing as proxied requests.
 */
final class RedirectHandler extends ChannelInboundHandlerAdapter {
    static final String ACME_PREFIX = "/.well-known/acme-challenge/";

    private final GatewayRuntime runtime;
    private final Http1Connection h1;
    private final int httpsPort;
    private boolean inRequest;
    private boolean keepAlive;
    /** An http-01 answer is being looked up: nothing more is read until it is written (responses stay in order). */
    private boolean answering;

    RedirectHandler(GatewayRuntime runtime, Http1Connection h1, int httpsPort) {
        this.runtime = runtime;
        this.h1 = h1;
        this.httpsPort = httpsPort;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                h1.headReceived();
                inRequest = true;
                respond(ctx, req);
            }
            if (msg instanceof LastHttpContent && inRequest) {
                inRequest = false;
                if (keepAlive && ctx.channel().isActive()) {
                    h1.exchangeDone();
                }
            }
            if (!answering) {
                ctx.read(); // the rest of this request (discarded), then the next request
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest req) {
        RequestHead head;
        FullHttpResponse res;
        String requestId = null;
        try {
            head = RequestHead.parse(req, false, runtime.limits());
            keepAlive = head.keepAlive() && !head.hasBody() && !runtime.draining();
            if (head.path().startsWith(ACME_PREFIX)) {
                challenge(ctx, head);
                return;
            }
            res = answer(head, ctx);
        } catch (RequestHead.Rejected r) {
            keepAlive = false;
            res = Problems.response(ctx.alloc(), r.status, r.getMessage(), requestId, HttpMethod.HEAD.equals(req.method()));
        }
        write(ctx, res);
    }

    /** http-01: the key authorization, perhaps looked up in storage shared with other nodes (asynchronously). */
    private void challenge(ChannelHandlerContext ctx, RequestHead head) {
        boolean headRequest = HttpMethod.HEAD.equals(head.method());
        String token = head.path().substring(ACME_PREFIX.length());
        if (!validToken(token)) {
            write(ctx, challengeResponse(ctx, null, headRequest));
            return;
        }
        java.util.concurrent.CompletableFuture<String> lookup = runtime.acme().keyAuthorization(token).toCompletableFuture();
        if (lookup.isDone()) {
            write(ctx, challengeResponse(ctx, lookup.exceptionally(e -> null).join(), headRequest));
            return;
        }
        answering = true;
        lookup.whenComplete((keyAuthorization, err) -> ctx.executor().execute(() -> {
            answering = false;
            if (!ctx.channel().isActive()) {
                return;
            }
            write(ctx, challengeResponse(ctx, err == null ? keyAuthorization : null, headRequest));
            ctx.read();
        }));
    }

    private static FullHttpResponse challengeResponse(ChannelHandlerContext ctx, String keyAuthorization, boolean headRequest) {
        if (keyAuthorization == null) {
            return Problems.response(ctx.alloc(), HttpResponseStatus.NOT_FOUND,
                    "no pending ACME challenge for this token", null, headRequest);
        }
        return text(ctx, HttpResponseStatus.OK, keyAuthorization, "application/octet-stream", headRequest);
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse res) {
        res.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse answer(RequestHead head, ChannelHandlerContext ctx) {
        boolean headRequest = HttpMethod.HEAD.equals(head.method());
        String healthPath = runtime.config().healthPath();
        if (healthPath != null && healthPath.equals(head.path())) {
            return Health.response(ctx.alloc(), runtime.draining(), headRequest);
        }
        StringBuilder location = new StringBuilder(64).append("https://").append(head.host());
        if (httpsPort != 443) {
            location.append(':').append(httpsPort);
        }
        location.append(head.path());
        if (head.query() != null) {
            location.append('?').append(head.query());
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY,
                Unpooled.EMPTY_BUFFER);
        res.headers().set(HttpHeaderNames.LOCATION, location.toString()).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return res;
    }

    /** ACME tokens are base64url (RFC 8555 section 8.3). */
    private static boolean validToken(String token) {
        if (token.isEmpty() || token.length() > 256) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String body,
                                         String contentType, boolean headRequest) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                headRequest ? Unpooled.EMPTY_BUFFER : ctx.alloc().buffer(bytes.length).writeBytes(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, Problems.NO_STORE);
        return res;
    }
}
