package io.portcullis.gateway.jwt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
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
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final ThreadLocal<TokenKey> PROBES = ThreadLocal.withInitial(TokenKey::newProbe);

    /** The token's bytes, zero-padded to whole 8-byte lanes; a probe's buffer is reused and may be longer. */
    private byte[] bytes;
    private int length;
    private long hash;
    /** A probe's buffers; null in a stored key. */
    private final Scratch scratch;

    private TokenKey(byte[] bytes, int length, long hash, Scratch scratch) {
        this.bytes = bytes;
        this.length = length;
        this.hash = hash;
        this.scratch = scratch;
    }

    private static TokenKey newProbe() {
        byte[] bytes = new byte[1024];
        return new TokenKey(bytes, 0, 0, new Scratch(bytes));
    }

    /**
     * This thread's probe, holding {@code text[from, to)}; null when that holds a character outside
     * US-ASCII (no JWT does). Valid until this thread's next call: never store it, {@link #copy} it.
     */
    static TokenKey probe(String text, int from, int to) {
        TokenKey p = PROBES.get();
        int n = to - from;
        int padded = (n + 7) & ~7;
        Scratch s = p.scratch;
        if (p.bytes.length < padded) {
            p.bytes = new byte[Math.max(padded, p.bytes.length * 2)];
            s.grow(p.bytes);
        }
        byte[] b = p.bytes;
        // two vectorised copies instead of a loop over charAt: the characters out, then the ISO-8859-1
        // encoder's intrinsic, which stops at the first character above U+00FF (getBytes would keep its low byte)
        text.getChars(from, to, s.chars, 0);
        s.in.clear().limit(n);
        s.out.clear();
        s.latin1.reset();
        if (!s.latin1.encode(s.in, s.out, true).isUnderflow() || s.out.position() != n) {
            return null;
        }
        Arrays.fill(b, n, padded, (byte) 0);
        // the hash, and every lane OR-ed together: a byte with its high bit set is a character in U+0080..U+00FF
        long a1 = SEED + P1;
        long a2 = SEED ^ P2;
        long a3 = SEED - P3;
        long a4 = ~SEED;
        long seen = 0;
        int i = 0;
        for (; i + 32 <= padded; i += 32) {
            long l1 = (long) LONGS.get(b, i);
            long l2 = (long) LONGS.get(b, i + 8);
            long l3 = (long) LONGS.get(b, i + 16);
            long l4 = (long) LONGS.get(b, i + 24);
            seen |= l1 | l2 | l3 | l4;
            a1 = round(a1, l1);
            a2 = round(a2, l2);
            a3 = round(a3, l3);
            a4 = round(a4, l4);
        }
        for (; i < padded; i += 8) {
            long l = (long) LONGS.get(b, i);
            seen |= l;
            a1 = round(a1, l);
        }
        if ((seen & HIGH_BITS) != 0) {
            return null;
        }
        p.length = n;
        p.hash = finish(a1, a2, a3, a4, n);
        return p;
    }

    /** A probe's buffers beside its bytes: the characters, and the encoder that turns them into bytes. */
    private static final class Scratch {
        final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
        char[] chars;
        CharBuffer in;
        ByteBuffer out;

        Scratch(byte[] bytes) {
            grow(bytes);
        }

        void grow(byte[] bytes) {
            chars = new char[bytes.length];
            in = CharBuffer.wrap(chars);
            out = ByteBuffer.wrap(bytes);
        }
    }

    /** A key of its own for {@code token} (tests and callers off the hot path). */
    static TokenKey of(String token) {
        TokenKey p = probe(token, 0, token.length());
        return p == null ? null : p.copy();
    }

    /** An immutable copy of this key, to store in the cache or keep past this thread's next probe. */
    TokenKey copy() {
        return new TokenKey(Arrays.copyOf(bytes, (length + 7) & ~7), length, hash, null);
    }

    /** The seeded 64-bit hash from its four lanes (a murmur-style finish so every input bit reaches every output bit). */
    private static long finish(long a1, long a2, long a3, long a4, int length) {
        long h = Long.rotateLeft(a1, 1) + Long.rotateLeft(a2, 7) + Long.rotateLeft(a3, 12) + Long.rotateLeft(a4, 18);
        h ^= length * P3;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P1;
        return h ^ (h >>> 32);
    }

    private static long round(long acc, long lane) {
        return Long.rotateLeft((acc ^ lane) * P1, 29);
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
