package io.portcullis.gateway.internal.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Reads what routing needs from a TLS ClientHello body (as Netty's SNI handler hands it over), bounds-checked. */
public final class ClientHellos {
    private static final int EXT_ALPN = 0x0010;

    private ClientHellos() {
    }

    /**
     * Whether the ClientHello's ALPN extension offers exactly one protocol, {@code protocol}
     * (tls-alpn-01 validators send only {@code acme-tls/1}). Malformed input answers false.
     */
    public static boolean offersOnly(ByteBuf hello, String protocol) {
        try {
            int i = hello.readerIndex();
            int end = hello.writerIndex();
            i += 2 + 32;                                  // client_version, random
            i += 1 + hello.getUnsignedByte(i);            // session_id
            i += 2 + hello.getUnsignedShort(i);           // cipher_suites
            i += 1 + hello.getUnsignedByte(i);            // compression_methods
            if (i + 2 > end) {
                return false;
            }
            int extEnd = Math.min(end, i + 2 + hello.getUnsignedShort(i));
            i += 2;
            while (i + 4 <= extEnd) {
                int type = hello.getUnsignedShort(i);
                int len = hello.getUnsignedShort(i + 2);
                i += 4;
                if (i + len > extEnd) {
                    return false;
                }
                if (type == EXT_ALPN) {
                    int listLen = hello.getUnsignedShort(i);
                    int nameLen = listLen >= 1 ? hello.getUnsignedByte(i + 2) : -1;
                    byte[] expected = protocol.getBytes(StandardCharsets.US_ASCII);
                    if (listLen != nameLen + 1 || nameLen != expected.length || len != listLen + 2) {
                        return false;
                    }
                    for (int k = 0; k < nameLen; k++) {
                        if (hello.getByte(i + 3 + k) != expected[k]) {
                            return false;
                        }
                    }
                    return true;
                }
                i += len;
            }
            return false;
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
    }
}
