package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection and an upstream connection joined after a WebSocket handshake: both drop
 * their HTTP codecs and relay raw bytes, so frames, pings and the close handshake pass through
 * untouched (including any negotiated extension such as permessage-deflate). Reading one side
 * pauses while the other cannot take more (channel writability), so memory stays bounded for any
 * message size. When one side closes, the other is closed after what was relayed to it is flushed.
 * No byte in either direction for {@code timeouts.websocketIdle} closes both. Both channels share
 * one event loop (the upstream connection was opened on the client's), so nothing is locked.
 *
 * <p>The upstream connection never returns to the pool. On shutdown a tunnel keeps running for the
 * drain timeout (the gateway cannot end a WebSocket session politely without framing), then is closed.
 */
final class WebSocketTunnel implements GatewayRuntime.Drainable {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketTunnel.class);

    /** Client-side handlers that only make sense for HTTP, removed once the connection is a tunnel. */
    private static final String[] CLIENT_HTTP_HANDLERS = {"h1", "flow", "encoder"};
    /** Upstream-side handlers that only make sense for pooled HTTP, removed likewise. */
    private static final String[] UPSTREAM_HTTP_HANDLERS = {"idle", "encoder"};

    private final Channel client;
    private final Channel upstream;
    private final long idleNanos;
    private final AtomicInteger gauge;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> idleTimer;

    private WebSocketTunnel(GatewayRuntime rt, Channel client, Channel upstream) {
        this.client = client;
        this.upstream = upstream;
        this.idleNanos = rt.timeouts().websocketIdle().toNanos();
        this.gauge = rt.metrics().webSocketTunnels();
    }

    /**
     * Sends {@code switching} (the 101) to the client and turns both connections into a tunnel.
     * Called on the shared event loop while the upstream's decoder is delivering the 101; the
     * proxy's exchange has already let go of both channels.
     */
    static void open(GatewayRuntime rt, Channel client, Channel upstream, FullHttpResponse switching) {
        new WebSocketTunnel(rt, client, upstream).start(rt, switching);
    }

    private void start(GatewayRuntime rt, FullHttpResponse switching) {
        Side fromClient = new Side(upstream);
        Side fromUpstream = new Side(client);
        // Upstream first: its decoder is removed last, and whatever it still holds (frames the
        // upstream sent right after its 101) is handed to the handler that follows it then, which
        // must already be the relay. Same order on the client side.
        ChannelPipeline up = upstream.pipeline();
        removeIfPresent(up, UPSTREAM_HTTP_HANDLERS);
        up.replace("upstream", "tunnel", fromUpstream);

        client.writeAndFlush(switching); // through the HTTP encoder, still in place
        ChannelPipeline cp = client.pipeline();
        cp.replace("proxy", "tunnel", fromClient);
        removeIfPresent(cp, CLIENT_HTTP_HANDLERS);
        removeIfPresent(cp, "decoder");
        removeIfPresent(up, "decoder");
        upstream.flush();
        client.flush();

        gauge.incrementAndGet();
        rt.register(client, this); // replaces the HTTP/1.1 connection's entry: drain now means "wait"
        client.closeFuture().addListener(f -> closeAfterFlush(upstream));
        upstream.closeFuture().addListener(f -> {
            closeAfterFlush(client);
            gauge.decrementAndGet();
            if (idleTimer != null) {
                idleTimer.cancel(false);
            }
        });
        if (!client.isActive()) {
            upstream.close();
        } else if (!upstream.isActive()) {
            closeAfterFlush(client);
        }
        armIdle(idleNanos);
        client.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
    }

    private static void removeIfPresent(ChannelPipeline p, String... names) {
        for (String name : names) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void drain() {
        // nothing to do politely: the gateway closes the tunnel when the drain timeout ends
    }

    @Override
    public ChannelFuture closeNow(Channel ch) {
        // both sides at once: no flush is waited for, the drain time is over
        ChannelPromise both = client.newPromise();
        PromiseCombiner all = new PromiseCombiner(client.eventLoop());
        client.eventLoop().execute(() -> {
            all.add(client.close());
            all.add(upstream.close());
            all.finish(both);
        });
        return both;
    }

    private void armIdle(long delayNanos) {
        idleTimer = client.eventLoop().schedule(this::checkIdle, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (!client.isActive() && !upstream.isActive()) {
            return;
        }
        long quiet = System.nanoTime() - lastActivity;
        if (quiet >= idleNanos) {
            LOG.debug("WebSocket tunnel {} <-> {} idle, closing", client, upstream);
            client.close();
            upstream.close();
            return;
        }
        armIdle(idleNanos - quiet);
    }

    /** Relays what one channel reads to the other, pausing reads while the other is not writable. */
    private final class Side extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Side(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                lastActivity = System.nanoTime();
                to.write(buf, to.voidPromise());
            } else {
                ReferenceCountUtil.release(msg); // the empty end of the 101 from the HTTP decoder
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            to.flush();
            if (!to.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // this channel drained: the channel whose bytes are written to it (the other one) may read again
            if (ctx.channel().isWritable()) {
                to.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(to);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("WebSocket tunnel channel {} failed", ctx.channel(), cause);
            ctx.close();
        }
    }
}
