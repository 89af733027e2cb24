package io.portcullis.gateway.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Mapping;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A client SslHandler and a server SniHandler in two EmbeddedChannels, bytes shuttled between them
 * until the handshake ends: no sockets, no threads, a few milliseconds.
 */
final class InMemoryHandshake {

    /** What the handshake produced, read before the channels are closed. */
    record Result(Throwable clientFailure, Throwable serverFailure, String sniHostname, String clientAlpn,
                  X509Certificate serverLeaf, String protocol, String cipherSuite, String clientReceived) {
        /** Handshake done on both sides and the server's "ping" arrived. */
        boolean succeeded() {
            return clientFailure == null && serverFailure == null && "ping".equals(clientReceived);
        }
    }

    private InMemoryHandshake() {
    }

    static Result run(SslContext client, String sniHost, Mapping<String, SslContext> server) {
        return run(client, sniHost, server, engine -> { });
    }

    /** {@code inspectServerEngine} sees the server's engine after the handshake, while it is still open. */
    static Result run(SslContext client, String sniHost, Mapping<String, SslContext> server,
                      Consumer<SSLEngine> inspectServerEngine) {
        SslHandler clientSsl = sniHost == null
                ? client.newHandler(ByteBufAllocator.DEFAULT)
                : client.newHandler(ByteBufAllocator.DEFAULT, sniHost, 443);
        SniHandler sni = new SniHandler(server);
        Failure clientFailure = new Failure();
        Failure serverFailure = new Failure();
        EmbeddedChannel c = new EmbeddedChannel(clientSsl, clientFailure);
        EmbeddedChannel s = new EmbeddedChannel(sni, serverFailure);
        try {
            pump(c, s);
            SslHandler serverSsl = s.pipeline().get(SslHandler.class);
            if (serverSsl == null && serverFailure.cause == null) {
                serverFailure.cause = new AssertionError("server never installed an SslHandler");
            }
            Throwable clientCause = clientFailure.cause != null ? clientFailure.cause
                    : !clientSsl.handshakeFuture().isDone() ? new AssertionError("handshake did not finish")
                    : clientSsl.handshakeFuture().cause();
            X509Certificate leaf = null;
            String protocol = null;
            String suite = null;
            if (clientCause == null) {
                try {
                    Certificate[] peer = clientSsl.engine().getSession().getPeerCertificates();
                    leaf = (X509Certificate) peer[0];
                } catch (SSLPeerUnverifiedException e) {
                    clientCause = e;
                }
                protocol = clientSsl.engine().getSession().getProtocol();
                suite = clientSsl.engine().getSession().getCipherSuite();
            }
            String received = null;
            if (clientCause == null && serverFailure.cause == null) {
                // application data: also carries what BoringSSL holds back until the next write (TLS 1.3 tickets)
                s.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
                pump(c, s);
                ByteBuf in = c.readInbound();
                if (in != null) {
                    received = in.toString(StandardCharsets.US_ASCII);
                    in.release();
                }
            }
            if (serverSsl != null) {
                inspectServerEngine.accept(serverSsl.engine());
            }
            return new Result(clientCause, serverFailure.cause, sni.hostname(), clientSsl.applicationProtocol(),
                    leaf, protocol, suite, received);
        } finally {
            c.finishAndReleaseAll();
            s.finishAndReleaseAll();
        }
    }

    /** Shuttles bytes both ways until neither side has anything more to say. */
    private static void pump(EmbeddedChannel c, EmbeddedChannel s) {
        for (int round = 0; round < 50; round++) {
            boolean moved = transfer(c, s) | transfer(s, c);
            c.runPendingTasks();
            s.runPendingTasks();
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("TLS peers still talking after 50 rounds");
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object msg = from.readOutbound(); msg != null; msg = from.readOutbound()) {
            moved = true;
            if (to.isActive()) {
                to.writeInbound(msg);
            } else {
                ((ByteBuf) msg).release();
            }
        }
        return moved;
    }

    /** Last handler: keeps the first exception instead of letting EmbeddedChannel rethrow it. */
    private static final class Failure extends ChannelInboundHandlerAdapter {
        Throwable cause;

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (this.cause == null) {
                this.cause = cause;
            }
        }
    }
}
