package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Delivers exactly one decoded message per {@code read()}, holding the rest (a decoder may produce
 * several messages from one socket read, e.g. a request head and its body, or a pipelined request).
 *
 * <p>Two ways to read the socket:
 * <ul>
 *   <li>on demand (HTTP/2 streams, where reads drive flow control): auto-read off, and each
 *       {@code read()} that finds nothing held asks the channel for more. Unlike Netty's
 *       {@code FlowControlHandler} (4.2), an outstanding {@code read()} stays pending until a message
 *       is actually delivered: a socket read that only completes part of a request head does not use
 *       it up. Otherwise a head split across two TCP reads would stall.</li>
 *   <li>eagerly (HTTP/1.1 connections): auto-read on, so a keep-alive connection costs no
 *       {@code epoll_ctl} per request to stop and restart reading (two system calls a request);
 *       what arrives ahead of demand is held, and only past {@value #MAX_HELD} messages or
 *       {@value #MAX_HELD_BYTES} bytes does reading pause until half of it is taken.</li>
 * </ul>
 */
final class DemandGate extends ChannelDuplexHandler {
    static final int MAX_HELD = 16;
    static final int MAX_HELD_BYTES = 64 * 1024;

    private final boolean eager;
    /** Messages not yet asked for; made on first need (an HTTP/2 stream seldom needs it). */
    private ArrayDeque<Object> queue;
    private int heldBytes;
    private boolean paused;
    private boolean demand;
    private boolean deliveredSinceComplete;

    /** On demand: the channel's auto-read must be off. */
    DemandGate() {
        this(false);
    }

    /** {@code eager}: the channel's auto-read must be on; reading pauses only when too much is held. */
    DemandGate(boolean eager) {
        this.eager = eager;
    }

    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * A read from the pipeline. On demand it is the handler after this one asking for a message; when
     * eager it may also be the channel's own auto-read (after every socket read), so it only passes on
     * to the socket and the handler asks through {@link #demand()}.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (eager) {
            ctx.read();
        } else {
            demand();
        }
    }

    /** The handler after this one wants the next message: now if one is held, else the next to arrive. */
    void demand() {
        Object next = queue == null ? null : queue.poll();
        if (next != null) {
            if (eager) {
                heldBytes -= bytes(next);
                if (paused && queue.size() <= MAX_HELD / 2 && heldBytes <= MAX_HELD_BYTES / 2) {
                    paused = false;
                    ctx.channel().config().setAutoRead(true);
                }
            }
            ctx.fireChannelRead(next);
            ctx.fireChannelReadComplete();
            return;
        }
        demand = true;
        if (!eager) {
            ctx.read();
        } else if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (demand && (queue == null || queue.isEmpty())) {
            demand = false;
            deliveredSinceComplete = true;
            ctx.fireChannelRead(msg);
        } else {
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            queue.add(msg);
            if (eager) {
                heldBytes += bytes(msg);
                if (!paused && (queue.size() >= MAX_HELD || heldBytes >= MAX_HELD_BYTES)) {
                    paused = true;
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }
    }

    private static int bytes(Object msg) {
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (deliveredSinceComplete) {
            deliveredSinceComplete = false;
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseAll();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        if (queue == null) {
            return;
        }
        Object m;
        while ((m = queue.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
