package io.portcullis.gateway.internal.netty;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Decodes upstream responses. Unlike {@code HttpClientCodec} it tells how many bytes it holds that
 * are not part of any response yet: a connection may go back to the pool only when that is zero,
 * otherwise bytes an upstream sent beyond its response (a body on a HEAD or 204, extra data after
 * Content-Length) would be read as the next client's response.
 */
final class UpstreamResponseDecoder extends HttpResponseDecoder {
    private boolean headRequest;

    UpstreamResponseDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** The request about to be sent is a HEAD: its response has no body whatever it declares. */
    void expectResponseTo(boolean head) {
        this.headRequest = head;
    }

    /** Bytes received and not yet decoded into a message. */
    int buffered() {
        return actualReadableBytes();
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        return headRequest || super.isContentAlwaysEmpty(msg);
    }
}
