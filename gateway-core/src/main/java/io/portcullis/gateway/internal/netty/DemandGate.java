package io.portcullis.gateway.internal.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Delivers exactly one decoded message per {@code read()} on a channel with auto-read off, holding
 * the rest (a decoder may produce several messages from one socket read, e.g. a request head and
 * its body, or a pipelined request).
 *
 * <p>Unlike Netty's {@code FlowControlHandler} (4.2), an outstanding {@code read()} stays pending
 * until a message is actually delivered: a socket read that only completes part of a request head
 * does not use it up. Otherwise a head split across two TCP reads would stall.
 */
final class DemandGate extends ChannelDuplexHandler {
    /** Messages not yet asked for; made on first need (an HTTP/2 stream seldom needs it). */
    private ArrayDeque<Object> queue;
    private boolean demand;
    private boolean deliveredSinceComplete;

    @Override
    public void read(ChannelHandlerContext ctx) {
        Object next = queue == null ? null : queue.poll();
        if (next != null) {
            ctx.fireChannelRead(next);
            ctx.fireChannelReadComplete();
            return;
        }
        demand = true;
        ctx.read();
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
        }
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
