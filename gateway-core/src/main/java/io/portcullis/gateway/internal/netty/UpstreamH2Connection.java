package io.portcullis.gateway.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.portcullis.gateway.internal.cluster.Endpoint;

/**
 * One HTTP/2 connection to an endpoint, owned by its loop's {@link UpstreamPool}; the last handler
 * of the connection's pipeline (after the frame codec and the stream multiplexer). It counts the
 * streams it carries, becomes ready on the endpoint's first SETTINGS frame (which also tells how
 * many concurrent streams it allows), and stops taking new streams on GOAWAY: the streams in flight
 * finish, then the connection closes, and the pool opens a new one when a request needs it.
 */
final class UpstreamH2Connection extends ChannelInboundHandlerAdapter {
    /**
     * Streams assumed allowed on an endpoint's first connection until its SETTINGS arrive: RFC 9113
     * recommends at least 100, and a lower real limit only makes the excess wait (buffered by the
     * codec) for a stream to end. Later connections assume what the endpoint said last.
     */
    static final int ASSUMED_MAX_STREAMS = 100;

    final Endpoint endpoint;
    final Channel channel;
    /** Completes when the endpoint's first SETTINGS frame arrived (or fails when the connection could not be made). */
    final Promise<Void> ready;
    private final UpstreamPool pool;
    private final int assumedMaxStreams;
    private Http2FrameCodec codec;
    private int streams;
    private int opened;
    private boolean goingAway;

    UpstreamH2Connection(UpstreamPool pool, Endpoint endpoint, Channel channel, int assumedMaxStreams) {
        this.pool = pool;
        this.assumedMaxStreams = assumedMaxStreams;
        this.endpoint = endpoint;
        this.channel = channel;
        this.ready = channel.eventLoop().newPromise();
    }

    /** Called once the codec is in the pipeline (after the TLS handshake for h2). */
    void codec(Http2FrameCodec codec) {
        this.codec = codec;
    }

    /** Streams open or about to be opened on this connection. */
    int streams() {
        return streams;
    }

    /** Whether a new request may take a stream here now. */
    boolean accepts() {
        if (goingAway || !channel.isOpen() || (ready.isDone() && !ready.isSuccess()) || exhausted()) {
            return false; // open: a connecting one counts, a closed or failed one does not
        }
        return streams < maxStreams();
    }

    /** Carried {@code maxRequestsPerConnection} streams: takes no more, closes when they end. */
    private boolean exhausted() {
        int maxRequests = endpoint.cluster().config().pool().maxRequestsPerConnection();
        return maxRequests > 0 && opened >= maxRequests;
    }

    /** The endpoint's SETTINGS_MAX_CONCURRENT_STREAMS, or the assumption until it is known. */
    int maxStreams() {
        if (!ready.isSuccess() || codec == null) {
            return assumedMaxStreams;
        }
        return (int) Math.min(Integer.MAX_VALUE, codec.connection().local().maxActiveStreams());
    }

    /** A stream is reserved for a request. */
    void reserve() {
        streams++;
        opened++;
    }

    /** A stream ended (or its reservation was given up); true when the connection should close now. */
    boolean release() {
        streams--;
        return streams == 0 && (goingAway || exhausted() || pool.draining());
    }

    /** No new streams here (GOAWAY, shutdown); closes at once when none is open. */
    void goAway() {
        goingAway = true;
        if (streams == 0) {
            channel.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame) {
                if (ready.trySuccess(null)) {
                    pool.h2Ready(this);
                } else {
                    pool.h2CapacityChanged(this); // a later SETTINGS may allow more concurrent streams
                }
            } else if (msg instanceof Http2GoAwayFrame) {
                goingAway = true;
                pool.h2GoingAway(this);
                if (streams == 0) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && streams == 0) {
            ctx.close(); // idle for the cluster's idle timeout with nothing in flight
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.tryFailure(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ready.tryFailure(new UpstreamPool.NotHttp2("the upstream closed the connection without sending HTTP/2 settings"
                + (channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null
                        ? " (does it speak cleartext HTTP/2 with prior knowledge? cluster protocol h2c)" : "")));
        ctx.fireChannelInactive();
    }
}
