package io.portcullis.gateway.internal.compress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip (RFC 1952) of one response body as it streams: every chunk in gives a chunk out that the
 * client can decompress at once (a deflate sync flush), so a streamed response stays streamed and
 * memory stays at one chunk plus the deflater's window, whatever the body size. Call
 * {@link #close()} when the response ends in any way: the deflater holds native memory.
 */
public final class GzipEncoder implements BodyEncoder {
    /** Magic, deflate, no flags, no time, no extra flags, OS unknown. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final ByteBufAllocator alloc;
    private final CRC32 crc = new CRC32();
    private Deflater deflater;
    private boolean headerWritten;

    public GzipEncoder(int level, ByteBufAllocator alloc) {
        this.alloc = alloc;
        this.deflater = new Deflater(level, true);
    }

    @Override
    public HttpContent encode(HttpContent in) {
        boolean last = in instanceof LastHttpContent;
        ByteBuf out;
        try {
            out = deflate(in.content(), last);
        } catch (RuntimeException e) {
            in.release();
            throw e;
        }
        HttpContent replaced = BodyEncoder.replace(in, out);
        if (last) {
            close();
        }
        return replaced;
    }

    private ByteBuf deflate(ByteBuf in, boolean last) {
        int n = in.readableBytes();
        ByteBuf out = alloc.heapBuffer(Math.max(64, n / 2 + 64));
        try {
            if (!headerWritten) {
                out.writeBytes(HEADER);
                headerWritten = true;
            }
            if (n > 0) {
                crc.update(in.nioBuffer());
                deflater.setInput(in.nioBuffer());
            }
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    drain(out, Deflater.NO_FLUSH);
                }
                out.writeIntLE((int) crc.getValue());
                out.writeIntLE((int) deflater.getBytesRead()); // ISIZE: the length modulo 2^32
            } else if (n > 0) {
                // a sync flush per chunk: the client gets every byte of what the upstream sent so far
                do {
                    drain(out, Deflater.SYNC_FLUSH);
                } while (!out.isWritable());
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** One deflate call into the free space of {@code out}, grown first when nearly full. */
    private void drain(ByteBuf out, int flush) {
        out.ensureWritable(64);
        int written = deflater.deflate(out.array(), out.arrayOffset() + out.writerIndex(), out.writableBytes(), flush);
        out.writerIndex(out.writerIndex() + written);
    }

    @Override
    public void close() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }
}
