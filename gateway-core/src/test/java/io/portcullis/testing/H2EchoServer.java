package io.portcullis.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/2 origin on loopback: cleartext with prior knowledge (h2c), or over TLS where it
 * records the SNI name each connection sent. Every request is answered with {@code 200} and headers
 * {@code x-method}, {@code x-path}, {@code x-authority}, {@code x-stream-id}, {@code x-connection-id}
 * (1, 2, ... per accepted connection) and {@code x-sni}; the body echoes the request body as it
 * streams in, or for a request without body is one line with the same facts. Paths:
 * <ul>
 *   <li>{@code /hold...}: the response waits for {@link #releaseHeld()}; {@link #held()} counts arrivals</li>
 *   <li>{@code /goaway...}: answered, then the connection sends GOAWAY (NO_ERROR, last stream = this one)</li>
 *   <li>{@code /reset...}: the stream is reset (INTERNAL_ERROR) without a response</li>
 *   <li>{@code /refuse-once...}: the first such stream is refused (REFUSED_STREAM), later ones answered</li>
 * </ul>
 * Every request head is recorded.
 */
public final class H2EchoServer implements AutoCloseable {
    private static final AttributeKey<Integer> CONNECTION_ID = AttributeKey.valueOf("h2echo.connection");
    private static final AttributeKey<String> SNI = AttributeKey.valueOf("h2echo.sni");

    /** One request as the server saw it. */
    public record Seen(String method, String path, String authority, int streamId, int connectionId, String sni,
                       List<String> headerNames) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> heldResponses = new ConcurrentLinkedQueue<>();
    private final Semaphore held = new Semaphore(0);
    private final java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();

    private H2EchoServer(SslContext ssl, long maxConcurrentStreams) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(true, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.attr(CONNECTION_ID).set(connections.incrementAndGet());
                        if (ssl != null) {
                            ch.pipeline().addLast(new SniHandler(name -> {
                                ch.attr(SNI).set(name == null ? "" : name);
                                return ssl;
                            }));
                        }
                        if (ssl == null) {
                            addHttp2(ch);
                            return;
                        }
                        // HTTP/2 starts once TLS is up: its SETTINGS must not go out before the handshake
                        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && e.isSuccess()) {
                                    ctx.pipeline().remove(this);
                                    addHttp2(ch);
                                }
                                ctx.fireUserEventTriggered(evt);
                            }
                        });
                    }

                    private void addHttp2(Channel ch) {
                        Http2Settings settings = Http2Settings.defaultSettings();
                        if (maxConcurrentStreams > 0) {
                            settings.maxConcurrentStreams(maxConcurrentStreams);
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().initialSettings(settings).build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new StreamHandler());
                            }
                        }));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** Cleartext HTTP/2 with prior knowledge. */
    public static H2EchoServer h2c() {
        return new H2EchoServer(null, 0);
    }

    /** Cleartext, allowing at most {@code maxConcurrentStreams} streams per connection. */
    public static H2EchoServer h2c(long maxConcurrentStreams) {
        return new H2EchoServer(null, maxConcurrentStreams);
    }

    /** HTTP/2 over TLS: {@code serverContext} must select {@code h2} with ALPN. */
    public static H2EchoServer tls(SslContext serverContext) {
        return new H2EchoServer(serverContext, 0);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Released once per {@code /hold} request that arrived. */
    public Semaphore held() {
        return held;
    }

    /** Answers every held request. */
    public void releaseHeld() {
        Runnable r;
        while ((r = heldResponses.poll()) != null) {
            r.run();
        }
    }

    private final class StreamHandler extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private String summary; // null until this stream is answered (never for a reset one)

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            Channel ch = ctx.channel();
            if (frame instanceof Http2HeadersFrame h) {
                Http2Headers in = h.headers();
                int streamId = ((Http2StreamChannel) ch).stream().id();
                int connectionId = ch.parent().attr(CONNECTION_ID).get();
                String sni = ch.parent().attr(SNI).get();
                String path = String.valueOf(in.path());
                List<String> names = new java.util.ArrayList<>();
                for (Map.Entry<CharSequence, CharSequence> e : in) {
                    names.add(e.getKey().toString() + (e.getKey().toString().equals("te") ? "=" + e.getValue() : ""));
                }
                seen.add(new Seen(String.valueOf(in.method()), path, String.valueOf(in.authority()), streamId,
                        connectionId, sni, names));
                Http2Headers out = new DefaultHttp2Headers().status("200")
                        .set("x-method", in.method()).set("x-path", in.path())
                        .set("x-authority", in.authority() == null ? "" : in.authority())
                        .setInt("x-stream-id", streamId).setInt("x-connection-id", connectionId)
                        .set("x-sni", sni == null ? "" : sni);
                summary = "method=" + in.method() + " path=" + in.path() + " authority=" + in.authority()
                        + " stream=" + streamId + " connection=" + connectionId + "\n";
                if (path.startsWith("/reset") || (path.startsWith("/refuse-once") && refused.compareAndSet(false, true))) {
                    ch.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2ResetFrame(
                            path.startsWith("/reset") ? Http2Error.INTERNAL_ERROR : Http2Error.REFUSED_STREAM));
                    return;
                }
                boolean goAway = path.startsWith("/goaway");
                Runnable respond = () -> {
                    ch.write(new DefaultHttp2HeadersFrame(out, false));
                    if (h.isEndStream()) {
                        ch.write(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(ch.alloc(), summary), true));
                    }
                    ch.flush();
                    if (goAway) {
                        ch.parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                    }
                };
                if (path.startsWith("/hold")) {
                    heldResponses.add(() -> ch.eventLoop().execute(respond));
                    held.release();
                } else {
                    respond.run();
                }
            } else if (frame instanceof Http2DataFrame d && summary != null) {
                // echo the body as it arrives (the response headers went out with the request's)
                ch.writeAndFlush(new DefaultHttp2DataFrame(d.content().retain(), d.isEndStream()));
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
