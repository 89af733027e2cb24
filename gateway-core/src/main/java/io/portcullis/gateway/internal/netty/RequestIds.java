package io.portcullis.gateway.internal.netty;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 128 random bits as 32 lower-case hex digits, or a well-formed id the client sent. */
final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        long b = r.nextLong();
        char[] id = new char[32];
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            id[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new String(id);
    }

    /** 1-128 characters from {@code [A-Za-z0-9._:-]}: safe to log and to echo in a header. */
    static boolean isWellFormed(String id) {
        int n = id.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
