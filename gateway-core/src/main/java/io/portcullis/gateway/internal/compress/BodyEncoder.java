package io.portcullis.gateway.internal.compress;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Compresses one response body as it streams. Each chunk in gives a chunk out that the client can
 * decode at once (the encoder flushes per chunk), so streamed responses stay streamed.
 */
public interface BodyEncoder extends AutoCloseable {

    /** Compresses {@code in} (released); the result of the last content ends the encoded stream. */
    HttpContent encode(HttpContent in);

    /**
     * The content to send instead of {@code in}: {@code encoded} bytes, ending the body (with
     * {@code in}'s trailers) when {@code in} did. Releases {@code in}.
     */
    static HttpContent replace(HttpContent in, ByteBuf encoded) {
        if (!(in instanceof LastHttpContent lastIn)) {
            in.release();
            return new DefaultHttpContent(encoded);
        }
        LastHttpContent end = new DefaultLastHttpContent(encoded);
        end.trailingHeaders().add(lastIn.trailingHeaders());
        in.release();
        return end;
    }

    /** Frees the encoder's native memory; called however the response ended, more than once is fine. */
    @Override
    void close();
}
