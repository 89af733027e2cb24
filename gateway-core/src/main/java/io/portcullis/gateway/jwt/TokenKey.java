package io.portcullis.gateway.jwt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The verified-token cache key: the token's bytes themselves, found by a fast 64-bit hash seeded at
 * random per process. The hash only picks the bucket; a hit needs the whole token to be equal
 * (compared in constant time), so a collision can never admit another token, and the random seed
 * keeps clients from aiming tokens at one bucket.
 *
 * <p>A lookup goes through one reusable probe per thread ({@link #probe}): a cache hit allocates
 * nothing. Only {@link #copy} (on a miss, before the token is verified and stored) allocates.
 */
final class TokenKey {
    private static final long SEED = new SecureRandom().nextLong();
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<TokenKey> PROBES = ThreadLocal.withInitial(() -> new TokenKey(new byte[1024], 0, 0));

    /** The token's bytes, zero-padded to whole 8-byte lanes; a probe's buffer is reused and may be longer. */
    private byte[] bytes;
    private int length;
    private long hash;

    private TokenKey(byte[] bytes, int length, long hash) {
        this.bytes = bytes;
        this.length = length;
        this.hash = hash;
    }

    /**
     * This thread's probe, holding {@code text[from, to)}; null when that holds a character outside
     * US-ASCII (no JWT does). Valid until this thread's next call: never store it, {@link #copy} it.
     */
    static TokenKey probe(String text, int from, int to) {
        TokenKey p = PROBES.get();
        int n = to - from;
        int padded = (n + 7) & ~7;
        if (p.bytes.length < padded) {
            p.bytes = new byte[Math.max(padded, p.bytes.length * 2)];
        }
        byte[] b = p.bytes;
        // one pass copying the characters and OR-ing them together: one above 0x7f shows at the end
        int seen = 0;
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(from + i);
            b[i] = (byte) ch;
            seen |= ch;
        }
        if (seen > 0x7f) {
            return null;
        }
        Arrays.fill(b, n, padded, (byte) 0);
        long h = hash(b, padded, n);
        p.length = n;
        p.hash = h;
        return p;
    }

    /** A key of its own for {@code token} (tests and callers off the hot path). */
    static TokenKey of(String token) {
        TokenKey p = probe(token, 0, token.length());
        return p == null ? null : p.copy();
    }

    /** An immutable copy of this key, to store in the cache or keep past this thread's next probe. */
    TokenKey copy() {
        return new TokenKey(Arrays.copyOf(bytes, (length + 7) & ~7), length, hash);
    }

    /** A seeded 64-bit hash of {@code padded} bytes (four independent lanes, then a murmur-style finish). */
    private static long hash(byte[] b, int padded, int length) {
        long a1 = SEED + P1;
        long a2 = SEED ^ P2;
        long a3 = SEED - P3;
        long a4 = ~SEED;
        int i = 0;
        for (; i + 32 <= padded; i += 32) {
            a1 = round(a1, (long) LONGS.get(b, i));
            a2 = round(a2, (long) LONGS.get(b, i + 8));
            a3 = round(a3, (long) LONGS.get(b, i + 16));
            a4 = round(a4, (long) LONGS.get(b, i + 24));
        }
        for (; i < padded; i += 8) {
            a1 = round(a1, (long) LONGS.get(b, i));
        }
        long h = Long.rotateLeft(a1, 1) + Long.rotateLeft(a2, 7) + Long.rotateLeft(a3, 12) + Long.rotateLeft(a4, 18);
        h ^= length * P3;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P1;
        return h ^ (h >>> 32);
    }

    private static long round(long acc, long lane) {
        return Long.rotateLeft(acc + lane * P2, 31) * P1;
    }

    /** The token's bytes (the array itself, not to be changed), zero-padded past its length. */
    byte[] bytes() {
        return bytes;
    }

    @Override
    public int hashCode() {
        return (int) hash;
    }

    /** Equal tokens: same length and hash, then every byte compared in constant time (no early exit). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TokenKey k) || k.length != length || k.hash != hash) {
            return false;
        }
        byte[] x = bytes;
        byte[] y = k.bytes;
        int padded = (length + 7) & ~7;
        long diff = 0;
        for (int i = 0; i < padded; i += 8) {
            diff |= (long) LONGS.get(x, i) ^ (long) LONGS.get(y, i);
        }
        return diff == 0;
    }

    @Override
    public String toString() {
        return "TokenKey[" + length + " bytes]"; // never the token
    }
}
