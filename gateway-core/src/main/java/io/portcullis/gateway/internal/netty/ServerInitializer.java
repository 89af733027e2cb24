package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.portcullis.gateway.internal.tls.ClientHellos;
import io.netty.util.concurrent.Future;
import io.netty.buffer.ByteBuf;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.internal.tls.ServerTlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of every accepted connection of one listener:
 * <pre>
 * (refused at accept by the listener's IP rules and connection limits: ConnectionGuard)
 * HTTPS:    SNI -> TLS, ALPN -> h2 | http/1.1
 * HTTP:     prior-knowledge detection -> h2c | http/1.1
 * REDIRECT: http/1.1 -> redirect
 * http/1.1: timers, strict decoder, encoder, flow control, proxy
 * h2:       flush consolidation, frame codec, supervisor, multiplexer -> per stream: h2-to-HTTP/1 objects, flow control, proxy
 * </pre>
 */
public final class ServerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerInitializer.class);

    /**
     * Frames to HTTP/1 objects and back for every server stream: {@code @Sharable} and stateless (the
     * scheme it notes is an attribute of the connection), so one instance serves all of them.
     */
    private static final Http2StreamFrameToHttpObjectCodec H2_TO_HTTP1 = new Http2StreamFrameToHttpObjectCodec(true, true);

    /** Flushes an HTTP/2 connection may hold back within one event-loop turn before one goes through anyway. */
    private static final int MAX_CONSOLIDATED_FLUSHES = 256;

    /** What one listener socket's new connections get; replaced as a whole by a reload. */
    private record Binding(ListenerConfig listener, ServerTlsContexts tls, ConnectionGuard guard) {
    }

    private final GatewayRuntime runtime;
    private volatile Binding binding;

    public ServerInitializer(GatewayRuntime runtime, ListenerConfig listener, ServerTlsContexts tls) {
        this.runtime = runtime;
        this.binding = new Binding(listener, tls, new ConnectionGuard(listener, runtime, null));
    }

    /**
     * Applies a reloaded configuration of this socket's listener to the connections accepted from now
     * on (mode, TLS, connection limits, IP rules); open connections keep what they started with, and
     * stay counted against the limits.
     */
    public void rebind(ListenerConfig listener, ServerTlsContexts tls) {
        Binding old = binding;
        binding = new Binding(listener, tls, new ConnectionGuard(listener, runtime, old.guard()));
    }

    @Override
    protected void initChannel(Channel ch) {
        Binding b = binding;
        if (!b.guard().admit(ch)) {
            return; // refused at accept: no pipeline built, nothing read, no TLS handshake begun
        }
        ChannelPipeline p = ch.pipeline();
        ListenerConfig listener = b.listener();
        ServerTlsContexts tls = b.tls();
        switch (listener.mode()) {
            case HTTPS -> {
                long handshakeMillis = runtime.timeouts().tlsHandshake().toMillis();
                p.addLast("sni", new SniHandler(tls.mapping(), runtime.limits().maxClientHelloBytes(), handshakeMillis) {
                    private boolean acmeTlsAlpn;

                    @Override
                    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf hello) throws Exception {
                        // tls-alpn-01 (RFC 8737): a validator offers only acme-tls/1; noted here, decided with the SNI name below
                        acmeTlsAlpn = hello != null && ClientHellos.offersOnly(hello, "acme-tls/1");
                        return super.lookup(ctx, hello);
                    }

                    @Override
                    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
                        if (acmeTlsAlpn && hostname != null) {
                            // a validator's handshake, rare: the answer may come from shared storage, asynchronously
                            io.netty.util.concurrent.Promise<SslContext> promise = ctx.executor().newPromise();
                            runtime.acme().tlsAlpnContext(hostname).whenComplete((challenge, err) -> ctx.executor().execute(() -> {
                                if (challenge != null) {
                                    promise.trySuccess(challenge);
                                    return;
                                }
                                try {
                                    super.lookup(ctx, hostname).addListener(f -> {
                                        if (f.isSuccess()) {
                                            promise.trySuccess((SslContext) f.getNow());
                                        } else {
                                            promise.tryFailure(f.cause());
                                        }
                                    });
                                } catch (Exception e) {
                                    promise.tryFailure(e);
                                }
                            }));
                            return promise;
                        }
                        return super.lookup(ctx, hostname);
                    }

                    @Override
                    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                        SslHandler h = context.newHandler(allocator);
                        h.setHandshakeTimeoutMillis(handshakeMillis);
                        byte[] staple = tls.ocspResponse(context);
                        if (staple != null && h.engine() instanceof ReferenceCountedOpenSslEngine engine) {
                            engine.setOcspResponse(staple);
                        }
                        return h;
                    }
                });
                p.addLast("alpn", new Alpn(listener.name()));
            }
            case HTTP -> {
                p.addLast("detect", new PriorKnowledgeDetector(this));
                // until the detector picks a protocol no other timer runs: bound the silent connection
                ch.eventLoop().schedule(() -> {
                    if (ch.pipeline().get(PriorKnowledgeDetector.class) != null) {
                        ch.close();
                    }
                }, runtime.timeouts().requestHeaders().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            case REDIRECT -> {
                ch.config().setAutoRead(false);
                Http1Connection h1 = new Http1Connection(runtime);
                p.addLast("h1", h1);
                addHttp1Codec(p, false);
                p.addLast("redirect", new RedirectHandler(runtime, h1, listener.httpsPort()));
            }
            default -> throw new IllegalStateException(listener.mode().toString());
        }
    }

    private void addHttp1Codec(ChannelPipeline p, boolean eager) {
        var limits = runtime.limits();
        p.addLast("decoder", new StrictHttpRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBlockBytes())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)));
        p.addLast("encoder", new HttpResponseEncoder());
        p.addLast("flow", new DemandGate(eager));
    }

    void configureHttp1(ChannelPipeline p, String scheme) {
        // the socket is read as data arrives; requests are handed on one at a time (DemandGate + ProxyHandler)
        Http1Connection h1 = new Http1Connection(runtime);
        p.addLast("h1", h1);
        addHttp1Codec(p, true);
        p.addLast("proxy", new ProxyHandler(runtime, scheme, false, h1, ClientConnection.of(p.channel())));
        p.channel().config().setAutoRead(true);
    }

    void configureHttp2(ChannelPipeline p, String scheme) {
        var limits = runtime.limits();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(limits.h2MaxConcurrentStreams())
                        .initialWindowSize(limits.h2InitialWindowBytes())
                        .maxHeaderListSize(limits.h2MaxHeaderListBytes()))
                .validateHeaders(true)
                .headerSensitivityDetector(HeaderRules.NEVER_INDEXED)
                .build();
        Http2Supervisor supervisor = new Http2Supervisor(runtime);
        ClientConnection connection = ClientConnection.of(p.channel()); // once for all the streams
        // Responses of many streams come back from different upstream reads of one event-loop turn:
        // flush them to the socket together (one TLS write, one syscall) at the end of that turn
        // rather than once per stream.
        p.addLast("flushes", new FlushConsolidationHandler(MAX_CONSOLIDATED_FLUSHES, true));
        p.addLast("h2", codec);
        p.addLast("h2supervisor", supervisor);
        p.addLast("h2mux", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                supervisor.streamOpened(stream);
                stream.config().setAutoRead(false);
                stream.pipeline().addLast("guard", new Http2RequestGuard());
                stream.pipeline().addLast("h2http", H2_TO_HTTP1);
                stream.pipeline().addLast("flow", new DemandGate());
                stream.pipeline().addLast("proxy", new ProxyHandler(runtime, scheme, true, null, connection));
            }
        }));
    }

    /** Picks the protocol the TLS handshake agreed on. */
    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final String listener;

        Alpn(String listener) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.listener = listener;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            runtime.metrics().tlsHandshake(listener, true);
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                configureHttp2(ctx.pipeline(), "https");
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                configureHttp1(ctx.pipeline(), "https");
            } else {
                ctx.close();
            }
        }

        /**
         * A peer that resets or breaks off during the handshake is routine (scanners, clients giving
         * up, load tools stopping): it closes quietly, counted by {@link #handshakeFailure}. Netty's
         * default would log a warning with a stack trace per connection, a log flood anyone can cause.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection on {} from {} failed before HTTP began: {}", listener, ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            runtime.metrics().tlsHandshake(listener, false);
            LOG.debug("TLS handshake failed on {} from {}: {}", listener, ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }
}
