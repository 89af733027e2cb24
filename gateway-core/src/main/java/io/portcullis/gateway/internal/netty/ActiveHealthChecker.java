package io.portcullis.gateway.internal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.portcullis.gateway.ActiveHealthCheck;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.internal.cluster.Cluster;
import io.portcullis.gateway.internal.cluster.Endpoint;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A cluster's active health check: every interval, one {@code GET path} per endpoint on a fresh
 * connection (TLS for https endpoints, with the cluster's trust, client certificate and SNI name;
 * HTTP/2 for h2 and h2c clusters, HTTP/1.1 otherwise), all on
 * one event loop with non-blocking I/O and Netty's resolver, never on a request's path. The
 * verdicts go to {@link Endpoint#probed}.
 */
final class ActiveHealthChecker {
    private final Cluster cluster;
    private final GatewayRuntime runtime;
    private final EventLoop loop;
    private final ActiveHealthCheck check;
    private volatile boolean stopped;
    private ScheduledFuture<?> next;

    ActiveHealthChecker(Cluster cluster, GatewayRuntime runtime, EventLoop loop) {
        this.cluster = cluster;
        this.runtime = runtime;
        this.loop = loop;
        this.check = cluster.config().activeHealth();
    }

    void start() {
        loop.execute(this::round);
    }

    void stop() {
        stopped = true;
        loop.execute(() -> {
            if (next != null) {
                next.cancel(false);
            }
        });
    }

    private void round() {
        if (stopped) {
            return;
        }
        for (Endpoint e : cluster.endpoints()) {
            probe(e);
        }
        next = loop.schedule(this::round, check.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe(Endpoint endpoint) {
        Promise<Boolean> result = loop.newPromise();
        EndpointConfig ep = endpoint.config();
        boolean h2 = cluster.config().protocol().http2(); // probes speak the cluster's protocol
        SslContext ssl = ep.secure() ? runtime.upstreamSslContext(cluster.config(), h2) : null;
        String sni = cluster.config().sni() != null ? cluster.config().sni() : ep.host();
        long timeoutMillis = check.timeout().toMillis();
        ChannelInboundHandlerAdapter reader = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                int code = -1;
                if (msg instanceof HttpResponse r) {
                    code = r.status().code();
                } else if (msg instanceof Http2HeadersFrame h && h.headers().status() != null) {
                    code = statusOf(h.headers().status());
                }
                ReferenceCountUtil.release(msg);
                if (code >= 200 || code == -2) { // skips 1xx heads
                    result.trySuccess(code >= check.expectedStatusMin() && code <= check.expectedStatusMax());
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                result.trySuccess(false);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                result.trySuccess(false);
                ctx.close();
            }
        };
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(runtime.transport().socketChannel())
                .resolver(runtime.resolverGroup())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), sni, ep.port()));
                        }
                        if (h2) {
                            // the codec's preface waits in the TLS handler until the handshake is done
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build());
                            ch.pipeline().addLast(new Http2MultiplexHandler(UpstreamPool.RejectPushed.INSTANCE));
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg); // SETTINGS, PING acks, GOAWAY
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    result.trySuccess(false);
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    result.trySuccess(false);
                                    ctx.close();
                                }
                            });
                        } else {
                            ch.pipeline().addLast(new HttpClientCodec(), reader);
                        }
                    }
                });
        ChannelFuture cf = b.connect(InetSocketAddress.createUnresolved(ep.host(), ep.port()));
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            result.trySuccess(false);
            cf.channel().close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                result.trySuccess(false);
                return;
            }
            if (h2) {
                SslHandler sslHandler = cf.channel().pipeline().get(SslHandler.class);
                if (sslHandler != null) {
                    sslHandler.handshakeFuture().addListener(hs -> {
                        if (hs.isSuccess() && ApplicationProtocolNames.HTTP_2.equals(sslHandler.applicationProtocol())) {
                            sendHttp2(cf.channel(), ep, reader, result);
                        } else {
                            result.trySuccess(false); // no TLS, or no h2: the endpoint cannot serve this cluster
                        }
                    });
                } else {
                    sendHttp2(cf.channel(), ep, reader, result);
                }
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
            req.headers().set(HttpHeaderNames.HOST, ep.authority())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "portcullis-health-check")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            cf.channel().writeAndFlush(req); // TLS: the handler holds it until the handshake is done
        });
        result.addListener(f -> {
            timeout.cancel(false);
            cf.channel().close();
            if (!stopped) {
                endpoint.probed(Boolean.TRUE.equals(f.getNow()), check.healthyThreshold(), check.unhealthyThreshold());
            }
        });
    }

    /** The probe as one HTTP/2 HEADERS frame with END_STREAM on a new stream, read by {@code reader}. */
    private void sendHttp2(Channel ch, EndpointConfig ep, ChannelInboundHandlerAdapter reader, Promise<Boolean> result) {
        Http2Headers headers = new DefaultHttp2Headers().method("GET").path(check.path())
                .scheme(ep.secure() ? "https" : "http").authority(ep.authority())
                .set(HttpHeaderNames.USER_AGENT, "portcullis-health-check");
        new Http2StreamChannelBootstrap(ch).handler(reader).open().addListener((Future<Http2StreamChannel> f) -> {
            if (f.isSuccess()) {
                f.getNow().writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
            } else {
                result.trySuccess(false);
            }
        });
    }

    /** A response's {@code :status}, or -2 (a failed probe) when it is not a number. */
    private static int statusOf(CharSequence status) {
        try {
            return Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return -2;
        }
    }
}
