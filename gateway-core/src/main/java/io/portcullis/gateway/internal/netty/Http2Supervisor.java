package io.portcullis.gateway.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-level care of an HTTP/2 connection, after the frame codec: counts open streams,
 * closes the connection after {@code idle} with no stream open, and on {@link #drain()} sends
 * GOAWAY so the client opens no new streams while the open ones finish.
 */
final class Http2Supervisor extends ChannelDuplexHandler implements GatewayRuntime.Drainable {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Supervisor.class);
    private final GatewayRuntime runtime;
    private ChannelHandlerContext ctx;
    private int openStreams;
    private boolean goingAway;
    private ScheduledFuture<?> idleTimer;
    /** One listener for every stream's close (not a new lambda per stream). */
    private final ChannelFutureListener onStreamClosed = f -> streamClosed();

    Http2Supervisor(GatewayRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        runtime.register(ctx.channel(), this);
        armIdle();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelIdle();
        super.channelInactive(ctx);
    }

    /**
     * A connection-level I/O error (the client reset the connection) ends the connection quietly:
     * routine, and anyone can cause it. Anything else goes on to the stream multiplexer (stream
     * errors) or, unexpected, to Netty's warning at the pipeline's end.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("HTTP/2 connection {} failed: {}", ctx.channel(), cause.toString());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Called on the connection's loop when a stream channel is initialised. */
    void streamOpened(Channel stream) {
        openStreams++;
        cancelIdle();
        stream.closeFuture().addListener(onStreamClosed);
    }

    private void streamClosed() {
        if (--openStreams == 0) {
            if (goingAway) {
                ctx.close();
            } else {
                armIdle();
            }
        }
    }

    /** Stops new streams (GOAWAY, NO_ERROR); the connection closes when its last stream ends. */
    void goAway() {
        if (goingAway || !ctx.channel().isActive()) {
            return;
        }
        goingAway = true;
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).addListener(f -> {
            if (openStreams == 0) {
                ctx.close();
            }
        }).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    @Override
    public void drain() {
        ctx.executor().execute(this::goAway);
    }

    private void armIdle() {
        cancelIdle();
        idleTimer = ctx.executor().schedule(() -> {
            if (openStreams == 0) {
                goAway();
            }
        }, runtime.timeouts().idle().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelIdle() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }
}
