package io.portcullis.gateway.internal.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * Checks an HTTP/2 request's header block before it is turned into an HTTP/1 message: a value with
 * CR, LF, NUL or another control character would split the HTTP/1.1 request built from it, and
 * {@code :authority} and {@code host} must agree. A bad request gets a 400 problem response on its
 * stream, and the connection is asked to wind down (GOAWAY), as with HTTP/1.1 where it closes.
 */
final class Http2RequestGuard extends ChannelInboundHandlerAdapter {
    private boolean headersSeen;
    private boolean rejected;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!headersSeen && msg instanceof Http2HeadersFrame frame) {
            headersSeen = true;
            String problem = check(frame.headers());
            if (problem != null) {
                ReferenceCountUtil.release(msg);
                reject(ctx, problem);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static String check(Http2Headers headers) {
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            boolean pseudo = name.length() > 0 && name.charAt(0) == ':';
            if (!pseudo && !HeaderRules.validName(name)) {
                return "invalid header field name (allowed: letters, digits and !#$%&'*+-.^`|~; no underscore or space)";
            }
            if (!HeaderRules.validValue(e.getValue())) {
                return "header field '" + (pseudo || name.length() <= 64 ? name : "?")
                        + "' has a control character (CR, LF, NUL, ...) in its value";
            }
        }
        CharSequence authority = headers.authority();
        if (!headers.contains(HttpHeaderNames.HOST)) {
            return null; // the usual case (HTTP/2 clients send :authority): no list to build
        }
        List<CharSequence> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one host header";
        }
        if (authority != null && hosts.size() == 1) {
            if (!authority.toString().equalsIgnoreCase(hosts.get(0).toString())) {
                return "':authority' and 'host' disagree";
            }
            headers.remove(HttpHeaderNames.HOST); // one authority is enough for the HTTP/1 translation
        }
        return null;
    }

    private void reject(ChannelHandlerContext ctx, String detail) {
        rejected = true;
        String requestId = RequestIds.generate();
        byte[] body = Problems.body(HttpResponseStatus.BAD_REQUEST, detail, requestId);
        Http2Headers h = new DefaultHttp2Headers()
                .status(HttpResponseStatus.BAD_REQUEST.codeAsText())
                .set(HttpHeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, Problems.NO_STORE)
                .set(Problems.X_REQUEST_ID, requestId);
        ctx.write(new DefaultHttp2HeadersFrame(h, false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true))
                .addListener(ChannelFutureListener.CLOSE);
        Http2Supervisor supervisor = ctx.channel().parent().pipeline().get(Http2Supervisor.class);
        if (supervisor != null) {
            supervisor.goAway();
        }
    }
}
