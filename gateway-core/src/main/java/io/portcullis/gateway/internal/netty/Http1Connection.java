package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connection-level timing of an HTTP/1.1 connection, placed before the decoder so it sees raw bytes:
 * <ul>
 *   <li>waiting for a request head: {@code requestHeaders} timeout, then 408 and close (slowloris);</li>
 *   <li>idle between requests (no byte of the next one yet): {@code idle} timeout, then close;</li>
 *   <li>busy with an exchange: no timer here (the exchange has its own).</li>
 * </ul>
 * It is also how shutdown reaches the connection: {@link #drain()} closes an idle connection at
 * once and a busy one after its response.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter implements GatewayRuntime.Drainable {
    private enum State { HEAD, IDLE, BUSY }

    private final GatewayRuntime runtime;
    private ChannelHandlerContext ctx;
    private State state = State.HEAD;
    /** Only this connection winds down (its listener was removed by a reload), not the whole gateway. */
    private boolean draining;
    private ScheduledFuture<?> timer;

    Http1Connection(GatewayRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        runtime.register(ctx.channel(), this);
        arm(State.HEAD);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
            arm(State.HEAD); // the first byte of the next request: now it has requestHeaders to finish its head
        }
        super.channelRead(ctx, msg);
    }

    /** The decoder produced a complete request head. */
    void headReceived() {
        cancel();
        state = State.BUSY;
    }

    /** The exchange ended and the connection stays open for another request. */
    void exchangeDone() {
        if (draining || runtime.draining()) {
            closeAfterFlush();
            return;
        }
        // part of the next request may already be here (pipelined): then its head timer runs now
        StrictHttpRequestDecoder decoder = ctx.pipeline().get(StrictHttpRequestDecoder.class);
        arm(decoder != null && decoder.buffered() > 0 ? State.HEAD : State.IDLE);
    }

    /** Closes once everything written so far has left: a finished response is never cut short. */
    private void closeAfterFlush() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void drain() {
        ctx.executor().execute(() -> {
            draining = true;
            if (state != State.BUSY) {
                closeAfterFlush();
            }
            // a busy connection closes after its response (exchangeDone)
        });
    }

    private void arm(State next) {
        cancel();
        state = next;
        long nanos = (next == State.HEAD ? runtime.timeouts().requestHeaders() : runtime.timeouts().idle()).toNanos();
        timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (state == State.HEAD) {
            var res = Problems.response(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                    "the request head was not received within " + Problems.duration(runtime.timeouts().requestHeaders()), null, false);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // written from the channel's tail so it passes the response encoder
            ctx.channel().writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else if (state == State.IDLE) {
            ctx.close();
        }
    }
}
