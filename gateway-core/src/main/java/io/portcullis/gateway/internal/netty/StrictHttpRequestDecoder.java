package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder made strict where a proxy must be: a request with both
 * {@code Transfer-Encoding: chunked} and {@code Content-Length}, or with an obsolete line-folded
 * header (a header line starting with a space or tab), is marked invalid instead of being repaired,
 * because an upstream may repair it differently (request smuggling). Netty already rejects bare LF
 * line endings, bad chunk framing and conflicting Content-Length values.
 */
final class StrictHttpRequestDecoder extends HttpRequestDecoder {

    /** The request carried both Transfer-Encoding: chunked and Content-Length. */
    static final class ContentLengthWithChunkedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ContentLengthWithChunkedException() {
            super("both Transfer-Encoding and Content-Length are present");
        }
    }

    /** A header line was continued with leading whitespace (obs-fold, RFC 9112 section 5.2). */
    static final class ObsFoldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ObsFoldException() {
            super("obsolete line folding in a header field");
        }
    }

    private boolean inHead = true;
    private boolean afterLineFeed;
    private boolean foldSeen;

    StrictHttpRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** Bytes received and not yet decoded (the start of a pipelined request, for example). */
    int buffered() {
        return actualReadableBytes();
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new ContentLengthWithChunkedException();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int from = buffer.readerIndex();
        int produced = out.size();
        super.decode(ctx, buffer, out);
        if (inHead) {
            // While in the head, Netty consumes whole lines only, so the consumed bytes are the
            // request line and header lines: a line that starts with SP or HT is a fold.
            int to = buffer.readerIndex();
            for (int i = from; i < to; i++) {
                byte b = buffer.getByte(i);
                if (afterLineFeed && (b == ' ' || b == '\t')) {
                    foldSeen = true;
                }
                afterLineFeed = b == '\n';
            }
        }
        for (int i = produced; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof HttpRequest req) {
                if (foldSeen && req.decoderResult().isSuccess()) {
                    req.setDecoderResult(DecoderResult.failure(new ObsFoldException()));
                }
                inHead = false;
                foldSeen = false;
                afterLineFeed = false;
            }
            if (o instanceof LastHttpContent) {
                inHead = true;
                afterLineFeed = false;
            }
        }
    }
}
