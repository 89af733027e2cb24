package io.portcullis.gateway.jwt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The verified-token cache key: the token's SHA-256, so the cache never holds tokens themselves and
 * a forged token cannot collide with a cached one. Hashed straight from the header text through
 * per-thread buffers: a cache hit allocates only this key.
 */
record TokenKey(long a, long b, long c, long d) {
    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

    /** The key of {@code text[from, to)}, or null when it holds a non-ASCII character (no JWT does). */
    static TokenKey of(String text, int from, int to) {
        return HASHER.get().hash(text, from, to);
    }

    static TokenKey of(String token) {
        return of(token, 0, token.length());
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

    /** A digest and its buffers, one per thread. */
    private static final class Hasher {
        private final MessageDigest sha256;
        private final byte[] chunk = new byte[512];
        private final byte[] out = new byte[32];

        Hasher() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        TokenKey hash(String text, int from, int to) {
            int i = from;
            while (i < to) {
                int n = Math.min(chunk.length, to - i);
                for (int j = 0; j < n; j++) {
                    char ch = text.charAt(i + j);
                    if (ch > 0x7f) {
                        sha256.reset();
                        return null;
                    }
                    chunk[j] = (byte) ch;
                }
                sha256.update(chunk, 0, n);
                i += n;
            }
            try {
                sha256.digest(out, 0, out.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            return new TokenKey(longAt(out, 0), longAt(out, 8), longAt(out, 16), longAt(out, 24));
        }
    }
}
