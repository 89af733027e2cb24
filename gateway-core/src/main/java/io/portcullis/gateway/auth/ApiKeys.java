package io.portcullis.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys as Portcullis issues and stores them. A key is {@code <id>.<secret>}: the id is not
 * secret and finds the key's record; only a hash of the whole key is stored, never the key:
 * Argon2id (default) or HMAC-SHA-256 with a server-side pepper ({@code hmac-sha256:<base64>}, fast,
 * fine for long random keys). The CLI's {@code hash-key} uses these methods.
 */
public final class ApiKeys {
    /** Argon2id cost: 19 MiB, 2 iterations, 1 lane (OWASP's minimum recommendation). */
    public static final int ARGON2_MEMORY_KIB = 19 * 1024;
    public static final int ARGON2_ITERATIONS = 2;
    public static final int ARGON2_PARALLELISM = 1;
    static final String HMAC_PREFIX = "hmac-sha256:";

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key {@code <id>.<43 characters of base64url randomness>} (256 bits). */
    public static String newKey(String id) {
        checkId(id);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return id + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The Argon2id hash of a key, in the PHC string format ({@code $argon2id$v=19$m=...}). */
    public static String argon2Hash(String key) {
        return Argon2Check.hash(key);
    }

    /** The Argon2id hash of a password, for the {@code basic-auth} policy's users. */
    public static String passwordHash(String password) {
        return Argon2Check.hash(password);
    }

    /** {@code hmac-sha256:<base64>} of a key under {@code pepper}. */
    public static String hmacHash(String key, byte[] pepper) {
        return HMAC_PREFIX + Base64.getEncoder().encodeToString(hmac(key, pepper));
    }

    static byte[] hmac(String key, byte[] pepper) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** SHA-256 of the key, as the cache key: the cache never holds a usable secret. */
    static String fingerprint(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static void checkId(String id) {
        if (id == null || id.isEmpty() || id.length() > 64 || !id.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            throw new IllegalArgumentException("key id '" + id + "' (expected: 1-64 of [A-Za-z0-9_-])");
        }
    }
}
