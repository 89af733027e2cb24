package io.portcullis.gateway.internal.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the proxy, the same for an HTTP/1.1 connection and an HTTP/2 stream (both
 * arrive as Netty HTTP/1 objects). Reads are demand-driven: the channel has auto-read off and a
 * {@link DemandGate} in front, so each {@code read()} yields one message; the handler asks
 * for the next body chunk only while the upstream can take it. One exchange runs at a time.
 */
final class ProxyHandler extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    final GatewayRuntime runtime;
    final String scheme;
    final boolean h2;
    private final Http1Connection h1; // null on HTTP/2
    ChannelHandlerContext ctx;
    final InetAddress peer;
    final ClientConnection connection;
    /** The client's verified certificate (mutual TLS), or null. */
    final X509Certificate clientCertificate;
    private Exchange current;
    private boolean closing;

    ProxyHandler(GatewayRuntime runtime, String scheme, boolean h2, Http1Connection h1, ClientConnection connection) {
        this.runtime = runtime;
        this.scheme = scheme;
        this.h2 = h2;
        this.h1 = h1;
        this.connection = connection;
        this.peer = connection.peer();
        this.clientCertificate = connection.certificate();
    }

    /** Hands on decoded messages one per {@link #next()}; null only in tests that build pipelines by hand. */
    private DemandGate gate;

    /** The next request message, when it is there: through the gate (the channel may be reading already). */
    private void next() {
        if (gate != null) {
            gate.demand();
        } else {
            ctx.read();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.gate = ctx.pipeline().get(DemandGate.class);
        if (ctx.channel().isActive()) {
            next();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        next();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            if (current != null || closing) {
                // cannot happen with demand-driven reads; refuse rather than interleave two exchanges
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            if (h1 != null) {
                h1.headReceived();
            }
            current = new Exchange(this, req);
            current.start();
        }
        if (msg instanceof HttpContent content) {
            Exchange ex = current;
            if (ex != null) {
                ex.onRequestContent(content);
            } else {
                // the rest of a request already answered (e.g. the empty end of a bodiless GET): skip it
                content.release();
                if (!closing) {
                    next();
                }
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Exchange ex = current;
        if (ex != null && ctx.channel().isWritable()) {
            ex.onClientWritable();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Exchange ex = current;
        if (ex != null) {
            ex.onClientClosed();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client channel {} failed", ctx.channel(), cause);
        Exchange ex = current;
        if (ex != null) {
            ex.onClientClosed();
        }
        ctx.close();
    }

    /** The exchange wants the next request message (a body chunk). */
    void readClient() {
        next();
    }

    /**
     * The exchange is over. {@code reuse} says whether the connection (HTTP/1.1) or stream (HTTP/2)
     * ended cleanly; otherwise it is closed once the response is flushed.
     */
    void exchangeDone(Exchange ex, boolean reuse) {
        if (current != ex) {
            return;
        }
        current = null;
        if (h2) {
            if (!reuse) {
                ctx.close(); // RST_STREAM if the stream is still open in either direction
            }
            return;
        }
        if (!reuse || !ctx.channel().isActive()) {
            closing = true;
            ctx.close();
            return;
        }
        h1.exchangeDone();
        next();
    }

    /** The exchange turned this HTTP/1.1 connection into a WebSocket tunnel, which replaces this handler. */
    void tunnelOpened(Exchange ex) {
        if (current == ex) {
            current = null;
            closing = true;
        }
    }

    /** Asks the whole HTTP/2 connection to wind down (after a request that must close "the connection"). */
    void goAwayConnection() {
        if (h2) {
            Http2Supervisor s = ctx.channel().parent().pipeline().get(Http2Supervisor.class);
            if (s != null) {
                s.goAway();
            }
        }
    }
}
