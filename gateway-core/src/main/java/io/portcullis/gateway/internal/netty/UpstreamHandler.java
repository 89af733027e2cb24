package io.portcullis.gateway.internal.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.gateway.internal.cluster.Endpoint;

/**
 * The last handler of an upstream connection (or of an HTTP/2 stream channel, which plays the part
 * of a connection for one request): passes every event to the exchange that currently owns it, or,
 * while the connection idles in the pool, closes it on any surprise.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final UpstreamPool pool;
    private final Endpoint endpoint;
    private Exchange owner;
    private int requests;
    private boolean refused;

    UpstreamHandler(UpstreamPool pool, Endpoint endpoint) {
        this.pool = pool;
        this.endpoint = endpoint;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** Exchanges this connection has carried, the current one included. */
    int requests() {
        return requests;
    }

    void attach(Exchange exchange) {
        this.owner = exchange;
        requests++;
    }

    void detach() {
        this.owner = null;
    }

    /**
     * HTTP/2: the endpoint refused this stream (RST_STREAM with REFUSED_STREAM, or a GOAWAY whose last
     * stream id is below it), which guarantees it did not process the request: safe to send again.
     */
    boolean refused() {
        return refused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange ex = owner;
        if (ex == null) {
            // An idle keep-alive connection must not send anything: drop it.
            ReferenceCountUtil.release(msg);
            pool.remove(endpoint, ctx.channel());
            ctx.close();
            return;
        }
        ex.onUpstreamRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Exchange ex = owner;
        if (ex != null) {
            ex.onUpstreamReadComplete();
            return;
        }
        UpstreamResponseDecoder decoder = ctx.pipeline().get(UpstreamResponseDecoder.class); // none on an HTTP/2 stream
        if (decoder != null && decoder.buffered() > 0) {
            // part of an unsolicited message while idle: never hand this connection out again
            pool.remove(endpoint, ctx.channel());
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange ex = owner;
        if (ex != null && ctx.channel().isWritable()) {
            ex.onUpstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof Http2StreamChannel s && s.stream().state() == Http2Stream.State.IDLE) {
            refused = true; // the stream never opened (the connection failed or went away first): nothing was sent
        }
        Exchange ex = owner;
        if (ex != null) {
            ex.onUpstreamClosed(null);
        } else {
            pool.remove(endpoint, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange ex = owner;
        if (ex != null) {
            ex.onUpstreamClosed(cause);
        } else {
            pool.remove(endpoint, ctx.channel());
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2GoAwayFrame
                || (evt instanceof Http2ResetFrame r && r.errorCode() == Http2Error.REFUSED_STREAM.code())) {
            refused = true; // the stream closes next: the exchange hears of it in channelInactive
        }
        if (evt instanceof IdleStateEvent && owner == null) {
            pool.remove(endpoint, ctx.channel());
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }
}
