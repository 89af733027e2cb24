package io.portcullis.gateway.internal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.internal.cluster.Cluster;
import io.portcullis.gateway.internal.cluster.Endpoint;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Connections to cluster endpoints, owned by one event loop: a request and its upstream connection
 * share that loop, so nothing here is locked. For HTTP/2 clusters (h2, h2c) the pool hands out one
 * new stream channel per request instead of a connection, on few multiplexed connections per
 * endpoint (see {@link #acquireStream}); the rest of this comment is about HTTP/1.1. Per endpoint it keeps the idle keep-alive
 * connections, the count of open ones (capped at this loop's share of
 * {@code maxConnectionsPerEndpoint}) and the requests waiting for one. Upstream channels read with
 * auto-read on (an exchange turns it off only while its client pushes back), so a connection the
 * upstream closes or writes to while idle leaves the pool at once.
 */
final class UpstreamPool {
    /**
     * Idle connections kept per endpoint on one loop. As many as the requests a loop may have in flight
     * to one endpoint at a busy moment (HTTP/2 clients multiplex hundreds of streams): a cap of 64 made
     * every connection beyond it close after its response and a new one open for the next request,
     * which cost HTTP/2 proxying about three quarters of its CPU (measured with h2load -c32 -m10: 173 to
     * 45 µs per request). The cluster's connection limit and idle timeout still bound them.
     */
    static final int MAX_IDLE_PER_ENDPOINT = 1024;

    /** No connection for the request: the cluster's pending queue is full, or the wait was too long. */
    static final class NoConnection extends Exception {
        private static final long serialVersionUID = 1L;
        static final NoConnection OVERFLOW = new NoConnection("too many requests are waiting for a connection");
        static final NoConnection WAIT_TIMEOUT = new NoConnection("no connection became free in time");

        private NoConnection(String message) {
            super(message, null, false, false);
        }
    }

    /** The endpoint does not speak HTTP/2 although its cluster's protocol is h2 or h2c. */
    static final class NotHttp2 extends Exception {
        private static final long serialVersionUID = 1L;

        NotHttp2(String message) {
            super(message, null, false, false);
        }
    }

    /** Streams the endpoint would push: refused at once (push is also disabled in our SETTINGS). */
    @ChannelHandler.Sharable
    static final class RejectPushed extends ChannelInboundHandlerAdapter {
        static final RejectPushed INSTANCE = new RejectPushed();

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** Largest response header block taken from an HTTP/2 endpoint, as for HTTP/1.1 (64 KiB). */
    private static final int MAX_HEADER_LIST_SIZE = 64 * 1024;

    /**
     * One endpoint's connections on this loop: for HTTP/1.1 the idle keep-alive ones, for HTTP/2 every
     * connection (each carries many streams); plus the requests waiting for a connection or stream.
     */
    private static final class Slot {
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        final ArrayDeque<Promise<Channel>> waiters = new ArrayDeque<>();
        final ArrayList<UpstreamH2Connection> h2 = new ArrayList<>(2);
        int h2MaxStreams = UpstreamH2Connection.ASSUMED_MAX_STREAMS;
        int open;
    }

    private final EventLoop loop;
    private final int index;
    private final GatewayRuntime runtime;
    private final Map<Endpoint, Slot> slots = new IdentityHashMap<>();
    /** Every upstream connection of this loop, idle or busy, until it closes: what {@link #closeAll} closes. */
    private final Set<Channel> channels = Collections.newSetFromMap(new IdentityHashMap<>());

    UpstreamPool(EventLoop loop, int index, GatewayRuntime runtime) {
        this.loop = loop;
        this.index = index;
        this.runtime = runtime;
    }

    /** This loop's index among the gateway's event loops (0 to n - 1), for per-loop balancer state. */
    int index() {
        return index;
    }

    private Slot slot(Endpoint e) {
        Slot s = slots.get(e);
        if (s == null) {
            s = new Slot();
            slots.put(e, s);
        }
        return s;
    }

    /** A pooled connection, or null when none is idle for this endpoint. */
    Channel pollIdle(Endpoint endpoint) {
        Slot s = slots.get(endpoint);
        if (s == null) {
            return null;
        }
        Channel ch;
        while ((ch = s.idle.pollLast()) != null) {
            if (ch.isActive() && ch.pipeline().get(UpstreamResponseDecoder.class).buffered() == 0) {
                return ch;
            }
        }
        return null;
    }

    /**
     * A connection for a request: a new one while this loop is under its share of the endpoint's
     * limit, otherwise a place in line for the next one released, for at most the connect timeout
     * (failed with {@link NoConnection} when the cluster already has {@code maxPendingRequests}
     * waiting, or the wait times out). Cancel the future to leave the line.
     */
    Future<Channel> acquire(Endpoint endpoint, long connectTimeoutMillis) {
        if (endpoint.cluster().config().protocol().http2()) {
            return acquireStream(endpoint, connectTimeoutMillis);
        }
        Slot s = slot(endpoint);
        if (s.open < endpoint.maxConnectionsPerLoop()) {
            return connect(endpoint, s, connectTimeoutMillis);
        }
        return waitInLine(endpoint, s, connectTimeoutMillis);
    }

    private Future<Channel> waitInLine(Endpoint endpoint, Slot s, long connectTimeoutMillis) {
        Cluster cluster = endpoint.cluster();
        if (!cluster.tryPend()) {
            return loop.newFailedFuture(NoConnection.OVERFLOW);
        }
        Promise<Channel> waiter = loop.newPromise();
        s.waiters.addLast(waiter);
        var timeout = loop.schedule(() -> waiter.tryFailure(NoConnection.WAIT_TIMEOUT), connectTimeoutMillis,
                TimeUnit.MILLISECONDS);
        waiter.addListener(f -> {
            timeout.cancel(false);
            cluster.unpend();
            if (f.isCancelled()) {
                s.waiters.remove(waiter);
            }
        });
        return waiter;
    }

    /** Opens a new connection (TCP, then TLS for https endpoints); completes when it is ready for a request. */
    private Future<Channel> connect(Endpoint endpoint, Slot slot, long connectTimeoutMillis) {
        Promise<Channel> ready = loop.newPromise();
        EndpointConfig ep = endpoint.config();
        SslContext ssl = ep.secure() ? runtime.upstreamSslContext(endpoint.cluster().config(), false) : null;
        String sni = sniName(endpoint);
        long idleMillis = endpoint.cluster().config().pool().idleTimeout().toMillis();
        slot.open++;
        ChannelFuture cf = connectTcp(ep, ssl, sni, connectTimeoutMillis, p -> {
            p.addLast("decoder", new UpstreamResponseDecoder(new HttpDecoderConfig()
                    .setMaxInitialLineLength(8192)
                    .setMaxHeaderSize(64 * 1024)
                    .setMaxChunkSize(64 * 1024)));
            p.addLast("encoder", new HttpRequestEncoder());
            // Reader-idle only: an HTTP/1.1 connection's last act before it idles in the pool is
            // reading a response, so this is its idle time. Watching writes too would make every
            // write of every request carry a promise and a listener (IdleStateHandler.write).
            p.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
            p.addLast("upstream", new UpstreamHandler(UpstreamPool.this, endpoint));
        });
        // one place counts every connection down, whether it failed to connect or closed later
        cf.channel().closeFuture().addListener(f -> closed(endpoint, slot));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                cf.channel().close();
                ready.tryFailure(f.cause());
                return;
            }
            SslHandler sslHandler = cf.channel().pipeline().get(SslHandler.class);
            if (sslHandler == null) {
                ready.trySuccess(cf.channel());
                return;
            }
            sslHandler.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    ready.trySuccess(cf.channel());
                } else {
                    cf.channel().close();
                    ready.tryFailure(h.cause());
                }
            });
        });
        return ready;
    }

    /**
     * Connects to {@code ep} on this loop through the asynchronous resolver, with a TLS handler first
     * when {@code ssl} is set; {@code protocol} adds the rest of the pipeline.
     */
    private ChannelFuture connectTcp(EndpointConfig ep, SslContext ssl, String sni, long connectTimeoutMillis,
                                     java.util.function.Consumer<ChannelPipeline> protocol) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(runtime.transport().socketChannel())
                .resolver(runtime.resolverGroup())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            SslHandler h = ssl.newHandler(ch.alloc(), sni, ep.port());
                            h.setHandshakeTimeoutMillis(connectTimeoutMillis);
                            p.addLast("ssl", h);
                        }
                        protocol.accept(p);
                    }
                });
        ChannelFuture cf = b.connect(InetSocketAddress.createUnresolved(ep.host(), ep.port()));
        Channel ch = cf.channel();
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
        return cf;
    }

    /** A connection of {@code endpoint} closed: its place may go to a waiting request. */
    private void closed(Endpoint endpoint, Slot slot) {
        slot.open--;
        Promise<Channel> waiter;
        while (slot.open < endpoint.maxConnectionsPerLoop() && (waiter = nextWaiter(slot)) != null) {
            Promise<Channel> w = waiter;
            connect(endpoint, slot, connectTimeoutMillis(endpoint)).addListener((Future<Channel> f) -> {
                if (f.isSuccess()) {
                    if (!w.trySuccess(f.getNow())) {
                        release(f.getNow()); // the waiter gave up meanwhile
                    }
                } else {
                    w.tryFailure(f.cause());
                }
            });
        }
        if (slot.open == 0 && slot.idle.isEmpty() && slot.waiters.isEmpty()) {
            slots.remove(endpoint);
        }
    }

    /**
     * The name sent as SNI and verified in the endpoint's certificate: the cluster's {@code sni}, else the
     * endpoint's host (an IP address: the JDK and OpenSSL then send no SNI and check the certificate's IP).
     */
    private static String sniName(Endpoint endpoint) {
        String sni = endpoint.cluster().config().sni();
        return sni != null ? sni : endpoint.config().host();
    }

    private long connectTimeoutMillis(Endpoint endpoint) {
        java.time.Duration timeout = endpoint.cluster().config().connectTimeout();
        return (timeout != null ? timeout : runtime.timeouts().upstreamConnect()).toMillis();
    }

    boolean draining() {
        return runtime.draining();
    }

    // ---- HTTP/2 endpoints: streams multiplexed over few connections -------------------------------

    /**
     * A new stream for one request: on a connection of this loop that takes one more (not going away,
     * under the endpoint's MAX_CONCURRENT_STREAMS), else on a new connection while this loop is under
     * its share of {@code maxConnectionsPerEndpoint}, else after waiting in line as for HTTP/1.1.
     */
    private Future<Channel> acquireStream(Endpoint endpoint, long connectTimeoutMillis) {
        Slot s = slot(endpoint);
        UpstreamH2Connection c = acceptingConnection(s);
        if (c == null && s.open < endpoint.maxConnectionsPerLoop()) {
            c = connectH2(endpoint, s, connectTimeoutMillis);
        }
        if (c != null) {
            c.reserve();
            return stream(c);
        }
        return waitInLine(endpoint, s, connectTimeoutMillis);
    }

    private static UpstreamH2Connection acceptingConnection(Slot s) {
        for (int i = 0; i < s.h2.size(); i++) {
            UpstreamH2Connection c = s.h2.get(i);
            if (c.accepts()) {
                return c;
            }
        }
        return null;
    }

    /**
     * Opens an HTTP/2 connection: TCP, TLS with ALPN {@code h2} for h2 (failing with {@link NotHttp2} when the
     * endpoint selects no h2), then the connection preface; ready on the endpoint's first SETTINGS frame.
     * The connect timeout covers all of it.
     */
    private UpstreamH2Connection connectH2(Endpoint endpoint, Slot slot, long connectTimeoutMillis) {
        EndpointConfig ep = endpoint.config();
        SslContext ssl = ep.secure() ? runtime.upstreamSslContext(endpoint.cluster().config(), true) : null;
        String sni = sniName(endpoint);
        long idleMillis = endpoint.cluster().config().pool().idleTimeout().toMillis();
        slot.open++;
        ChannelFuture cf = connectTcp(ep, ssl, sni, connectTimeoutMillis,
                p -> p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS)));
        Channel ch = cf.channel();
        UpstreamH2Connection c = new UpstreamH2Connection(this, endpoint, ch, slot.h2MaxStreams);
        slot.h2.add(c);
        ch.closeFuture().addListener(f -> h2Closed(c, slot));
        var timeout = loop.schedule(() -> {
            if (c.ready.tryFailure(new ConnectTimeoutException("no HTTP/2 settings from the upstream in time"))) {
                ch.close();
            }
        }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
        c.ready.addListener(f -> timeout.cancel(false));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                c.ready.tryFailure(f.cause());
                ch.close();
                return;
            }
            SslHandler sslHandler = ch.pipeline().get(SslHandler.class);
            if (sslHandler == null) {
                startHttp2(c);
                return;
            }
            sslHandler.handshakeFuture().addListener(h -> {
                if (!h.isSuccess()) {
                    c.ready.tryFailure(h.cause());
                    ch.close();
                } else if (!ApplicationProtocolNames.HTTP_2.equals(sslHandler.applicationProtocol())) {
                    c.ready.tryFailure(new NotHttp2("the upstream did not select HTTP/2 in the TLS handshake (ALPN h2)"
                            + " although its cluster's protocol is h2; it may speak HTTP/1.1 only (protocol: http1)"));
                    ch.close();
                } else {
                    startHttp2(c);
                }
            });
        });
        return c;
    }

    /** The frame codec (which sends the connection preface), the stream multiplexer and the connection's own handler. */
    private static void startHttp2(UpstreamH2Connection c) {
        if (!c.channel.isActive()) {
            return;
        }
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                // streams beyond the endpoint's MAX_CONCURRENT_STREAMS (reserved before its SETTINGS came)
                // wait in the codec for others to end instead of failing
                .encoderEnforceMaxConcurrentStreams(true)
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).maxHeaderListSize(MAX_HEADER_LIST_SIZE))
                .headerSensitivityDetector(HeaderRules.NEVER_INDEXED)
                .build();
        c.codec(codec);
        ChannelPipeline p = c.channel.pipeline();
        p.addLast("h2", codec);
        p.addLast("streams", new Http2MultiplexHandler(RejectPushed.INSTANCE));
        p.addLast("connection", c);
    }

    /** Opens a stream on {@code c} (whose place is reserved) once the connection is ready. */
    private Future<Channel> stream(UpstreamH2Connection c) {
        Promise<Channel> p = loop.newPromise();
        if (c.ready.isDone()) {
            openStream(c, p);
        } else {
            c.ready.addListener(f -> openStream(c, p));
        }
        return p;
    }

    private void openStream(UpstreamH2Connection c, Promise<Channel> p) {
        if (!c.ready.isSuccess()) {
            streamEnded(c);
            p.tryFailure(c.ready.cause());
            return;
        }
        if (p.isDone() || !c.channel.isActive()) { // given up meanwhile, or the connection is gone
            streamEnded(c);
            p.tryFailure(new java.nio.channels.ClosedChannelException());
            return;
        }
        Endpoint endpoint = c.endpoint;
        new Http2StreamChannelBootstrap(c.channel)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        // HTTP objects in and out, so an exchange treats the stream like an HTTP/1.1 connection
                        ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false));
                        ch.pipeline().addLast("upstream", new UpstreamHandler(UpstreamPool.this, endpoint));
                    }
                })
                .open()
                .addListener((Future<Http2StreamChannel> f) -> {
                    if (!f.isSuccess()) {
                        streamEnded(c);
                        p.tryFailure(f.cause());
                        return;
                    }
                    Http2StreamChannel s = f.getNow();
                    s.closeFuture().addListener(x -> streamEnded(c));
                    if (!p.trySuccess(s)) {
                        s.close();
                    }
                });
    }

    /** A stream of {@code c} closed: the connection closes when it goes away and is empty, or takes a waiting request. */
    private void streamEnded(UpstreamH2Connection c) {
        if (c.release()) {
            c.channel.close();
            return;
        }
        serveWaitingStreams(c.endpoint);
    }

    void h2Ready(UpstreamH2Connection c) {
        h2CapacityChanged(c);
    }

    void h2CapacityChanged(UpstreamH2Connection c) {
        Slot slot = slots.get(c.endpoint);
        if (slot != null) {
            slot.h2MaxStreams = Math.max(1, c.maxStreams()); // what the next connection assumes until told
        }
        serveWaitingStreams(c.endpoint);
    }

    /** GOAWAY from the endpoint: new requests go to another (possibly new) connection. */
    void h2GoingAway(UpstreamH2Connection c) {
        serveWaitingStreams(c.endpoint);
    }

    private void h2Closed(UpstreamH2Connection c, Slot slot) {
        slot.open--;
        slot.h2.remove(c);
        c.ready.tryFailure(new java.nio.channels.ClosedChannelException());
        serveWaitingStreams(c.endpoint);
        if (slot.open == 0 && slot.h2.isEmpty() && slot.waiters.isEmpty() && slots.get(c.endpoint) == slot) {
            slots.remove(c.endpoint);
        }
    }

    /** Hands streams to the requests waiting for one, on connections that take more or on new ones within the limit. */
    private void serveWaitingStreams(Endpoint endpoint) {
        Slot slot = slots.get(endpoint);
        if (slot == null) {
            return;
        }
        while (!slot.waiters.isEmpty()) {
            UpstreamH2Connection c = acceptingConnection(slot);
            if (c == null) {
                if (slot.open >= endpoint.maxConnectionsPerLoop() || runtime.draining()) {
                    return;
                }
                c = connectH2(endpoint, slot, connectTimeoutMillis(endpoint));
            }
            Promise<Channel> w = nextWaiter(slot);
            if (w == null) {
                return;
            }
            c.reserve();
            stream(c).addListener((Future<Channel> f) -> {
                if (f.isSuccess()) {
                    if (!w.trySuccess(f.getNow())) {
                        f.getNow().close(); // the waiter gave up meanwhile
                    }
                } else {
                    w.tryFailure(f.cause());
                }
            });
        }
    }

    private static Promise<Channel> nextWaiter(Slot slot) {
        Promise<Channel> w;
        while ((w = slot.waiters.pollFirst()) != null) {
            if (!w.isDone()) {
                return w;
            }
        }
        return null;
    }

    /**
     * Returns a connection whose last exchange completed cleanly: to the first request waiting for
     * one, else to the idle set. Closes it when the pool is full, when it served
     * {@code maxRequestsPerConnection}, or when the upstream sent anything beyond its response.
     */
    void release(Channel ch) {
        if (ch instanceof Http2StreamChannel) {
            ch.close(); // one stream per request: a finished stream is already closed, an unfinished one is reset
            return;
        }
        UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
        Endpoint endpoint = h.endpoint();
        int maxRequests = endpoint.cluster().config().pool().maxRequestsPerConnection();
        if (!ch.isActive() || runtime.draining() || ch.pipeline().get(UpstreamResponseDecoder.class).buffered() > 0
                || (maxRequests > 0 && h.requests() >= maxRequests)) {
            ch.close();
            return;
        }
        Slot s = slot(endpoint);
        ch.config().setAutoRead(true);
        Promise<Channel> waiter;
        while ((waiter = nextWaiter(s)) != null) {
            if (waiter.trySuccess(ch)) {
                return;
            }
        }
        if (s.idle.size() >= MAX_IDLE_PER_ENDPOINT) {
            ch.close();
            return;
        }
        s.idle.addLast(ch);
    }

    /** Forgets a connection that closed or misbehaved while idle. */
    void remove(Endpoint endpoint, Channel ch) {
        Slot s = slots.get(endpoint);
        if (s != null) {
            s.idle.remove(ch);
        }
    }

    /**
     * Shutdown: closes every upstream connection of this loop, idle or busy (the client side is closed
     * by then); the futures complete when the sockets are closed. Runs on the pool's loop.
     */
    List<ChannelFuture> closeAll() {
        for (Slot s : slots.values()) {
            s.idle.clear();
        }
        List<ChannelFuture> closing = new ArrayList<>(channels.size());
        for (Channel ch : channels.toArray(new Channel[0])) {
            closing.add(ch.close());
        }
        return closing;
    }
}
