package io.portcullis.gateway.internal.tls;

import java.io.ByteArrayOutputStream;

/**
 * Just enough DER to turn PKCS#1 and SEC1 private keys into PKCS#8: a reader for definite-length
 * TLV elements and a writer for the few element types the wrappers need.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** Context-specific, constructed, tag 0: the {@code parameters [0]} field of SEC1. */
    static final int CONTEXT_0 = 0xA0;

    private Der() {
    }

    /** One element: {@code der[valueStart, valueEnd)} is its value; {@code end} is where the next one starts. */
    record Element(int tag, byte[] der, int start, int valueStart, int valueEnd) {
        int end() {
            return valueEnd;
        }

        /** The whole element (tag, length and value). */
        byte[] encoded() {
            byte[] out = new byte[valueEnd - start];
            System.arraycopy(der, start, out, 0, out.length);
            return out;
        }

        /** The first element inside a constructed one. */
        Element firstChild() {
            return read(der, valueStart, valueEnd);
        }

        /** The element after this one inside {@code parent}, or null at its end. */
        Element next(Element parent) {
            return valueEnd < parent.valueEnd ? read(der, valueEnd, parent.valueEnd) : null;
        }
    }

    /** Reads the element at {@code offset}; it must end at or before {@code limit}. */
    static Element read(byte[] der, int offset, int limit) {
        if (offset + 2 > limit) {
            throw new IllegalArgumentException("truncated DER at offset " + offset);
        }
        int tag = der[offset] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw new IllegalArgumentException("unsupported multi-byte DER tag at offset " + offset);
        }
        int pos = offset + 1;
        int first = der[pos++] & 0xFF;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7F;
            if (count == 0 || count > 4) {
                throw new IllegalArgumentException("unsupported DER length encoding at offset " + offset);
            }
            if (pos + count > limit) {
                throw new IllegalArgumentException("truncated DER length at offset " + offset);
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (der[pos++] & 0xFF);
            }
        }
        if (length > limit - pos) {
            throw new IllegalArgumentException("DER element at offset " + offset + " runs past its end");
        }
        return new Element(tag, der, offset, pos, pos + (int) length);
    }

    static byte[] sequence(byte[]... elements) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            content.writeBytes(e);
        }
        return tlv(SEQUENCE, content.toByteArray());
    }

    static byte[] integer(int value) {
        if (value < 0 || value > 127) {
            throw new IllegalArgumentException("only small non-negative integers are needed here: " + value);
        }
        return tlv(INTEGER, new byte[] {(byte) value});
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    static byte[] nullValue() {
        return tlv(NULL, new byte[0]);
    }

    /** Encodes a dotted object identifier such as {@code 1.2.840.113549.1.1.1}. */
    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("bad OID " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(parts[0]) * 40 + Long.parseLong(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            writeBase128(out, Long.parseLong(parts[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    /** Decodes the value of an OID element to dotted form (for messages and lookups). */
    static String oidToString(Element e) {
        if (e.tag() != OID) {
            throw new IllegalArgumentException("expected an OID, found tag 0x" + Integer.toHexString(e.tag()));
        }
        StringBuilder sb = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = e.valueStart(); i < e.valueEnd(); i++) {
            int b = e.der()[i] & 0xFF;
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    long top = Math.min(value / 40, 2);
                    sb.append(top).append('.').append(value - top * 40);
                    first = false;
                } else {
                    sb.append('.').append(value);
                }
                value = 0;
            }
        }
        return sb.toString();
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = 1;
        for (long v = value >>> 7; v != 0; v >>>= 7) {
            groups++;
        }
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) ((value >>> (7 * i)) & 0x7F);
            out.write(i == 0 ? b : b | 0x80);
        }
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
