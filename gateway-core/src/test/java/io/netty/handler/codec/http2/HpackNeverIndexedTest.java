package io.netty.handler.codec.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the gateway's HTTP/2 responses encode sensitive and one-off fields in HPACK, read from the raw
 * header block on a real socket (cleartext h2 with prior knowledge). In Netty's package only to reuse
 * its Huffman decoder for the literal names.
 */
class HpackNeverIndexedTest {
    static TestUpstream upstream;
    static Gateway gateway;

    /** One field of a header block as sent: how it was represented, and the name when given literally. */
    record Field(String representation, int nameIndex, String literalName) {
    }

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").id("root").to(upstream.url()).build())
                .build();
        gateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void setCookieAndRequestIdAreNeverIndexed_otherFieldsMayBe() throws Exception {
        List<Field> fields = responseHeaderBlock("/set-headers?set-cookie=session%3Dabc&x-custom=plain");
        // set-cookie has a static-table name (index 55); x-request-id has none, so its name is literal
        assertThat(fields).contains(new Field("never-indexed", 55, null));
        assertThat(fields).contains(new Field("never-indexed", 0, "x-request-id"));
        assertThat(fields).contains(new Field("incremental", 0, "x-custom"));
        assertThat(fields).noneMatch(f -> f.representation().equals("incremental") && "x-request-id".equals(f.literalName()));
    }

    private static List<Field> responseHeaderBlock(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.address("http").getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS, empty
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x82); // :method GET (static 2)
            block.write(0x86); // :scheme http (static 6)
            block.write(0x01); // :authority (static 1), literal value, not indexed
            literal(block, "localhost");
            block.write(0x04); // :path (static 4), literal value, not indexed
            literal(block, path);
            out.write(frame(0x1, 0x5, 1, block.toByteArray())); // HEADERS, END_STREAM | END_HEADERS, stream 1
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (type == 0x4 && (flags & 0x1) == 0) {
                    out.write(frame(0x4, 0x1, 0, new byte[0])); // ACK the gateway's SETTINGS
                    out.flush();
                }
                if (type == 0x1 && stream == 1) {
                    assertThat(flags & 0x4).as("END_HEADERS: no CONTINUATION expected").isNotZero();
                    int offset = ((flags & 0x8) != 0 ? 1 : 0) + ((flags & 0x20) != 0 ? 5 : 0); // pad length, priority
                    int padding = (flags & 0x8) != 0 ? payload[0] & 0xff : 0;
                    return fields(Unpooled.wrappedBuffer(payload, offset, payload.length - offset - padding));
                }
            }
        }
    }

    /** Walks a header block (RFC 7541 section 6), decoding literal names, skipping values. */
    private static List<Field> fields(ByteBuf in) throws Http2Exception {
        List<Field> fields = new ArrayList<>();
        HpackHuffmanDecoder huffman = new HpackHuffmanDecoder();
        while (in.isReadable()) {
            int b = in.getUnsignedByte(in.readerIndex());
            if ((b & 0x80) != 0) {
                fields.add(new Field("indexed", integer(in, 7), null));
                continue;
            }
            if ((b & 0xe0) == 0x20) {
                integer(in, 5); // dynamic table size update
                continue;
            }
            String representation;
            int prefix;
            if ((b & 0xc0) == 0x40) {
                representation = "incremental";
                prefix = 6;
            } else if ((b & 0xf0) == 0x10) {
                representation = "never-indexed";
                prefix = 4;
            } else {
                representation = "without-indexing";
                prefix = 4;
            }
            int nameIndex = integer(in, prefix);
            String name = nameIndex == 0 ? string(in, huffman) : null;
            string(in, huffman); // the value
            fields.add(new Field(representation, nameIndex, name));
        }
        return fields;
    }

    private static String string(ByteBuf in, HpackHuffmanDecoder huffman) throws Http2Exception {
        boolean huffmanCoded = (in.getUnsignedByte(in.readerIndex()) & 0x80) != 0;
        int length = integer(in, 7);
        ByteBuf bytes = in.readSlice(length);
        return huffmanCoded ? huffman.decode(bytes, length).toString() : bytes.toString(StandardCharsets.US_ASCII);
    }

    /** An HPACK integer with an N-bit prefix (RFC 7541 section 5.1). */
    private static int integer(ByteBuf in, int prefixBits) {
        int max = (1 << prefixBits) - 1;
        int value = in.readUnsignedByte() & max;
        if (value < max) {
            return value;
        }
        int shift = 0;
        int b;
        do {
            b = in.readUnsignedByte();
            value += (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }

    private static void literal(ByteArrayOutputStream block, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.write(bytes.length); // short strings only: 7-bit length, no Huffman
        block.write(bytes, 0, bytes.length);
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }
}
