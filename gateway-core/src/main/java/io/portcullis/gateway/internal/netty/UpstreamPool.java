package io.portcullis.gateway.internal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.portcullis.gateway.UpstreamConfig;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to upstreams, owned by one event loop: a request and its upstream
 * connection share that loop, so nothing here is locked. Upstream channels read with auto-read on
 * (an exchange turns it off only while its client pushes back), so a connection the upstream
 * closes or writes to while idle leaves the pool at once.
 */
final class UpstreamPool {
    /** Idle connections kept per upstream on one loop. */
    static final int MAX_IDLE_PER_UPSTREAM = 64;
    /** Idle connections are closed after this long, well under common upstream keep-alive timeouts. */
    static final long IDLE_SECONDS = 30;

    private final EventLoop loop;
    private final GatewayRuntime runtime;
    private final Map<UpstreamConfig, ArrayDeque<Channel>> idle = new HashMap<>();

    UpstreamPool(EventLoop loop, GatewayRuntime runtime) {
        this.loop = loop;
        this.runtime = runtime;
    }

    /** A pooled connection, or null when none is idle for this upstream. */
    Channel pollIdle(UpstreamConfig upstream) {
        ArrayDeque<Channel> q = idle.get(upstream);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollLast()) != null) {
            if (ch.isActive() && ch.pipeline().get(UpstreamResponseDecoder.class).buffered() == 0) {
                return ch;
            }
        }
        return null;
    }

    /** Opens a new connection (TCP, then TLS for https upstreams); completes when it is ready for a request. */
    Future<Channel> connect(UpstreamConfig upstream) {
        Promise<Channel> ready = loop.newPromise();
        SslContext ssl = upstream.secure() ? runtime.upstreamSslContext(upstream) : null;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(runtime.transport().socketChannel())
                .resolver(runtime.resolverGroup())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) runtime.timeouts().upstreamConnect().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            SslHandler h = ssl.newHandler(ch.alloc(), upstream.host(), upstream.port());
                            h.setHandshakeTimeoutMillis(runtime.timeouts().upstreamConnect().toMillis());
                            p.addLast("ssl", h);
                        }
                        p.addLast("decoder", new UpstreamResponseDecoder(new HttpDecoderConfig()
                                .setMaxInitialLineLength(8192)
                                .setMaxHeaderSize(64 * 1024)
                                .setMaxChunkSize(64 * 1024)));
                        p.addLast("encoder", new HttpRequestEncoder());
                        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                        p.addLast("upstream", new UpstreamHandler(UpstreamPool.this, upstream));
                    }
                });
        ChannelFuture cf = b.connect(InetSocketAddress.createUnresolved(upstream.host(), upstream.port()));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
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
     * Returns a connection whose last exchange completed cleanly; closes it when the pool is full or
     * when the upstream sent anything beyond its response.
     */
    void release(UpstreamConfig upstream, Channel ch) {
        if (!ch.isActive() || runtime.draining() || ch.pipeline().get(UpstreamResponseDecoder.class).buffered() > 0) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(upstream, u -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_UPSTREAM) {
            ch.close();
            return;
        }
        q.addLast(ch);
        ch.config().setAutoRead(true);
    }

    /** Forgets a connection that closed or misbehaved while idle. */
    void remove(UpstreamConfig upstream, Channel ch) {
        ArrayDeque<Channel> q = idle.get(upstream);
        if (q != null) {
            q.remove(ch);
        }
    }

    /** Closes every idle connection (shutdown). Runs on the pool's loop. */
    void closeAll() {
        for (ArrayDeque<Channel> q : idle.values()) {
            for (Channel ch : q) {
                ch.close();
            }
            q.clear();
        }
    }
}
