package io.portcullis.gateway.jwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The verified-token cache key: the token's SHA-256, so the cache never holds tokens themselves and
 * a forged token cannot collide with a cached one.
 */
record TokenKey(long a, long b, long c, long d) {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static TokenKey of(String token) {
        byte[] h = SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII));
        return new TokenKey(longAt(h, 0), longAt(h, 8), longAt(h, 16), longAt(h, 24));
    }

    private static long longAt(byte[] b, int i) {
        long v = 0;
        for (int j = 0; j < 8; j++) {
            v = (v << 8) | (b[i + j] & 0xff);
        }
        return v;
    }

    @Override
    public int hashCode() {
        return (int) a;
    }
}
