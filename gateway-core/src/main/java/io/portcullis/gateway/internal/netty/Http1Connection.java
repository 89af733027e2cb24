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
    /** When the current state's time is up (nanoTime; HEAD and IDLE only). */
    private long deadline;
    /** The one pending check and when it runs: it may run early, and then re-arms for what is left. */
    private ScheduledFuture<?> timer;
    private long timerAt;

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
        state = State.BUSY; // the pending check, if any, finds the connection busy and lapses
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

    /*
     * Timers cost a priority-queue insert and removal each, and a keep-alive connection changes state
     * three times per request; so state changes only move the deadline, and one pending check per
     * connection follows it. While idle the check runs at least every requestHeaders, so that the
     * earlier deadline of the next request head never needs a new timer.
     */
    private void arm(State next) {
        state = next;
        long now = System.nanoTime();
        long headers = runtime.timeouts().requestHeaders().toNanos();
        deadline = now + (next == State.HEAD ? headers : runtime.timeouts().idle().toNanos());
        checkBy(next == State.IDLE ? Math.min(deadline, now + headers) : deadline, now);
    }

    private void checkBy(long at, long now) {
        if (timer != null) {
            if (timerAt - at <= 0) {
                return; // the pending check comes first and re-arms for the rest
            }
            timer.cancel(false);
        }
        timerAt = at;
        timer = ctx.executor().schedule(this::expired, Math.max(1, at - now), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (!ctx.channel().isActive() || state == State.BUSY) {
            return; // busy: the exchange has its own timers; the end of the exchange arms a check again
        }
        long now = System.nanoTime();
        if (now - deadline < 0) {
            long headers = runtime.timeouts().requestHeaders().toNanos();
            checkBy(state == State.IDLE ? Math.min(deadline, now + headers) : deadline, now);
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
