package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Ed25519 signatures checked with the JDK's own provider (Java 15+). nimbus' Ed25519Verifier needs
 * Google Tink on the class path; the JDK does the same job without another dependency.
 */
final class Ed25519SignatureVerifier implements JWSVerifier {
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32-byte key. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;

    private final PublicKey key;
    private final JCAContext jca = new JCAContext();

    Ed25519SignatureVerifier(byte[] x) throws JOSEException {
        if (x == null || x.length != KEY_BYTES) {
            throw new JOSEException("Ed25519 public key must be 32 bytes");
        }
        this.key = publicKey(x);
    }

    static PublicKey publicKey(byte[] x) throws JOSEException {
        byte[] spki = new byte[SPKI_PREFIX.length + KEY_BYTES];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, KEY_BYTES);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("invalid Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The raw 32-byte key of an Ed25519 public key in X.509 encoding. */
    static byte[] rawKey(PublicKey key) {
        byte[] spki = key.getEncoded();
        byte[] x = new byte[KEY_BYTES];
        System.arraycopy(spki, spki.length - KEY_BYTES, x, 0, KEY_BYTES);
        return x;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!supportedJWSAlgorithms().contains(header.getAlgorithm())) {
            return false;
        }
        byte[] sig = signature.decode();
        if (sig.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return VerificationKey.Family.ED25519.algorithms;
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
