package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a cleartext listener, tells HTTP/2 with prior knowledge (the client starts with the
 * connection preface {@code PRI * HTTP/2.0...}) from HTTP/1.x, then replaces itself with the
 * matching pipeline; the bytes read so far are passed on.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(PriorKnowledgeDetector.class);
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerInitializer pipelines;

    PriorKnowledgeDetector(ServerInitializer pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                pipelines.configureHttp1(ctx.pipeline(), "http");
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (n == PREFACE.length) {
            pipelines.configureHttp2(ctx.pipeline(), "http");
            ctx.pipeline().remove(this);
        }
    }

    /** A peer that resets before its first request line is routine: closed quietly, no stack trace logged. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} failed before HTTP began: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
