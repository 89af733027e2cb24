package io.portcullis.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket echo origin on loopback, built on Netty's server protocol handler. Under {@code /ws}:
 * text and binary messages come back unchanged; the text {@code close-me} makes the server start
 * the close handshake with code 4000, reason {@code bye}. Other requests get 404. Records the
 * handshake requests it saw, the close frames it received and the closing of its connections.
 */
public final class WebSocketEchoServer implements AutoCloseable {
    private static final int MAX_MESSAGE = 4 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    /** Handshake request headers, in arrival order. */
    public final BlockingQueue<HttpHeaders> handshakes = new LinkedBlockingQueue<>();
    /** "code reason" of every close frame a client sent. */
    public final BlockingQueue<String> closesReceived = new LinkedBlockingQueue<>();
    /** One entry per closed connection that asked for an upgrade. */
    public final BlockingQueue<Channel> closedConnections = new LinkedBlockingQueue<>();

    private WebSocketEchoServer() {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(true)
                .maxFramePayloadLength(MAX_MESSAGE)
                .handleCloseFrames(false)
                .build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(true, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new Recorder(), new WebSocketServerProtocolHandler(config),
                                new WebSocketFrameAggregator(MAX_MESSAGE), new Echo());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    public static WebSocketEchoServer start() {
        return new WebSocketEchoServer();
    }

    public String url() {
        return "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** Notes handshake requests before the protocol handler consumes them. */
    private final class Recorder extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest req && req.headers().contains(HttpHeaderNames.UPGRADE)) {
                handshakes.add(req.headers().copy());
                ctx.channel().closeFuture().addListener(f -> closedConnections.add(ctx.channel()));
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class Echo extends SimpleChannelInboundHandler<Object> {
        private boolean closeSent;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
                var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                        Unpooled.copiedBuffer("no such socket", java.nio.charset.StandardCharsets.US_ASCII));
                res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
                ctx.writeAndFlush(res);
            } else if (msg instanceof CloseWebSocketFrame close) {
                closesReceived.add(close.statusCode() + " " + close.reasonText());
                if (closeSent) {
                    ctx.close();
                } else {
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof TextWebSocketFrame text && "close-me".equals(text.text())) {
                closeSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(4000, "bye"));
            } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(((WebSocketFrame) msg).retainedDuplicate());
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
