package io.portcullis.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bare Netty HTTP/2 client that sends headers exactly as given (no validation), over TLS with
 * ALPN {@code h2} or as cleartext prior knowledge. Used to probe what browsers and the JDK client
 * refuse to send.
 */
public final class NettyH2Client implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final String negotiated;
    private final CompletableFuture<Http2Settings> serverSettings = new CompletableFuture<>();

    public NettyH2Client(String host, int port, boolean tls) throws Exception {
        SslContext ssl = tls ? SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(TestTls.shared().ca.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build() : null;
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().validateHeaders(false).build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                            }
                        }));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2SettingsFrame settings) {
                                    serverSettings.complete(settings.settings());
                                }
                            }
                        });
                    }
                }).connect(host, port).sync().channel();
        if (ssl != null) {
            SslHandler h = channel.pipeline().get(SslHandler.class);
            h.handshakeFuture().sync();
            negotiated = h.applicationProtocol();
        } else {
            negotiated = "h2c";
        }
    }

    public String negotiatedProtocol() {
        return negotiated;
    }

    /** The server's first SETTINGS frame. */
    public Http2Settings serverSettings() throws Exception {
        return serverSettings.get(5, TimeUnit.SECONDS);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** A response, or a reset stream (status -1 and the error code in {@code body}). */
    public record Response(int status, Http2Headers headers, String body) {
    }

    public static Http2Headers headers(String method, String authority, String path) {
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method(method).scheme("https").path(path);
        if (authority != null) {
            h.authority(authority);
        }
        return h;
    }

    public Response send(Http2Headers headers, String body) throws Exception {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                    private Http2Headers responseHeaders;
                    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                        boolean end = false;
                        if (frame instanceof Http2HeadersFrame h) {
                            if (responseHeaders == null) {
                                responseHeaders = h.headers();
                            }
                            end = h.isEndStream();
                        } else if (frame instanceof Http2DataFrame d) {
                            ByteBuf b = d.content();
                            byte[] bytes = new byte[b.readableBytes()];
                            b.readBytes(bytes);
                            data.writeBytes(bytes);
                            end = d.isEndStream();
                        } else if (frame instanceof Http2ResetFrame r) {
                            result.complete(new Response(-1, null, "RST " + r.errorCode()));
                        }
                        if (end) {
                            int status = Integer.parseInt(responseHeaders.status().toString());
                            result.complete(new Response(status, responseHeaders, data.toString(StandardCharsets.UTF_8)));
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        result.complete(new Response(-1, null, "stream closed"));
                    }
                }).open().sync().getNow();
        boolean hasBody = body != null;
        stream.write(new DefaultHttp2HeadersFrame(headers, !hasBody));
        if (hasBody) {
            stream.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
        }
        stream.flush();
        return result.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
