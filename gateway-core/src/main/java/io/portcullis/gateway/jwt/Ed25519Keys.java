package io.portcullis.gateway.jwt;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 public keys between their JWK form (the raw 32 bytes) and the JDK's (Java 15+), which
 * checks the signatures: nimbus' Ed25519Verifier would need Google Tink on the class path.
 */
final class Ed25519Keys {
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32-byte key. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int KEY_BYTES = 32;

    private Ed25519Keys() {
    }

    /** The JDK key of a raw 32-byte Ed25519 public key; {@link IllegalArgumentException} if it is none. */
    static PublicKey publicKey(byte[] x) {
        if (x == null || x.length != KEY_BYTES) {
            throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
        }
        byte[] spki = new byte[SPKI_PREFIX.length + KEY_BYTES];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, KEY_BYTES);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The raw 32-byte key of an Ed25519 public key in X.509 encoding. */
    static byte[] rawKey(PublicKey key) {
        byte[] spki = key.getEncoded();
        byte[] x = new byte[KEY_BYTES];
        System.arraycopy(spki, spki.length - KEY_BYTES, x, 0, KEY_BYTES);
        return x;
    }
}
