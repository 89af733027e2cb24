package io.portcullis.gateway.internal.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.gateway.UpstreamConfig;

/**
 * The last handler of an upstream connection: passes every event to the exchange that currently
 * owns the connection, or, while the connection idles in the pool, closes it on any surprise.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final UpstreamPool pool;
    private final UpstreamConfig upstream;
    private Exchange owner;

    UpstreamHandler(UpstreamPool pool, UpstreamConfig upstream) {
        this.pool = pool;
        this.upstream = upstream;
    }

    void attach(Exchange exchange) {
        this.owner = exchange;
    }

    void detach() {
        this.owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange ex = owner;
        if (ex == null) {
            // An idle keep-alive connection must not send anything: drop it.
            ReferenceCountUtil.release(msg);
            pool.remove(upstream, ctx.channel());
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
        } else if (ctx.pipeline().get(UpstreamResponseDecoder.class).buffered() > 0) {
            // part of an unsolicited message while idle: never hand this connection out again
            pool.remove(upstream, ctx.channel());
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
        Exchange ex = owner;
        if (ex != null) {
            ex.onUpstreamClosed(null);
        } else {
            pool.remove(upstream, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange ex = owner;
        if (ex != null) {
            ex.onUpstreamClosed(cause);
        } else {
            pool.remove(upstream, ctx.channel());
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && owner == null) {
            pool.remove(upstream, ctx.channel());
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }
}
