package io.portcullis.gateway.internal.compress;

import com.aayushatharva.brotli4j.encoder.BrotliEncoderChannel;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Brotli (RFC 7932) of one response body as it streams, through brotli4j's JNI encoder: a flush
 * per chunk, like {@link GzipEncoder}. Only loaded when {@link Brotli#available()}: this class is
 * the only one that names brotli4j, which is an optional dependency.
 */
final class BrotliEncoder implements BodyEncoder {
    /** 256 KiB window instead of brotli's 4 MiB default: bounded native memory per response. */
    private static final int WINDOW_BITS = 18;
    private static final int INPUT_BUFFER = 16 * 1024;

    private final ByteBufAllocator alloc;
    private final BrotliEncoderChannel channel;
    /** Where the channel writes compressed bytes: the output of the chunk being encoded. */
    private ByteBuf sink;
    private boolean closed;

    BrotliEncoder(int quality, ByteBufAllocator alloc) {
        this.alloc = alloc;
        try {
            this.channel = new BrotliEncoderChannel(new Sink(), Encoder.Parameters.create(quality, WINDOW_BITS),
                    INPUT_BUFFER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends what the encoder emits to {@link #sink}. */
    private final class Sink implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            sink.writeBytes(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Override
    public HttpContent encode(HttpContent in) {
        boolean last = in instanceof LastHttpContent;
        ByteBuf out = alloc.heapBuffer(Math.max(64, in.content().readableBytes() / 2 + 64));
        sink = out;
        try {
            ByteBuffer src = in.content().nioBuffer();
            while (src.hasRemaining()) {
                channel.write(src);
            }
            if (last) {
                closed = true;
                channel.close(); // finishes the stream into the sink and frees the native encoder
            } else if (in.content().isReadable()) {
                channel.flush();
            }
        } catch (IOException | RuntimeException e) {
            out.release();
            in.release();
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } finally {
            sink = null;
        }
        return BodyEncoder.replace(in, out);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // the response ended early: finish into a throwaway buffer, which also frees the native state
        ByteBuf discard = alloc.heapBuffer(256);
        sink = discard;
        try {
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing useful to do: the response is already gone
        } finally {
            sink = null;
            discard.release();
        }
    }
}
