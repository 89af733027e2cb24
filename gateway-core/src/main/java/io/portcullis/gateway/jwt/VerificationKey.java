package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.Key;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * One key a token may be verified with, as the JDK key that {@link JwsSignatures} checks
 * signatures with. A key only ever checks the
 * algorithms of its own family (RSA keys never check HS256: no algorithm confusion) and, when the
 * JWK names an {@code alg}, only that one.
 */
final class VerificationKey {
    static final int MIN_RSA_BITS = 2048;

    /** Key families and the algorithms each may verify. */
    enum Family {
        RSA(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512)),
        EC_P256(Set.of(JWSAlgorithm.ES256)),
        EC_P384(Set.of(JWSAlgorithm.ES384)),
        EC_P521(Set.of(JWSAlgorithm.ES512)),
        ED25519(Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519)),
        HMAC(Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512));

        final Set<JWSAlgorithm> algorithms;

        Family(Set<JWSAlgorithm> algorithms) {
            this.algorithms = algorithms;
        }
    }

    final String kid;
    final String thumbprint;
    final Family family;
    final JWSAlgorithm alg;
    private final Key key;

    private VerificationKey(String kid, String thumbprint, Family family, JWSAlgorithm alg, Key key) {
        this.kid = kid;
        this.thumbprint = thumbprint;
        this.family = family;
        this.alg = alg;
        this.key = key;
    }

    /**
     * A verification key for a public JWK. Throws {@link IllegalArgumentException} saying why a key
     * cannot be used (not for signatures, too short, unsupported curve or type, symmetric).
     */
    static VerificationKey of(JWK jwk) {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new IllegalArgumentException("its use is '" + jwk.getKeyUse().identifier() + "', not 'sig'");
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            throw new IllegalArgumentException("its key_ops do not include 'verify'");
        }
        JWSAlgorithm alg = jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        try {
            VerificationKey key;
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("RSA key of " + rsa.size() + " bits (minimum " + MIN_RSA_BITS + ")");
                }
                key = new VerificationKey(jwk.getKeyID(), thumbprint(jwk), Family.RSA, alg,
                        rsa.toRSAPublicKey());
            } else if (jwk instanceof ECKey ec) {
                Family family = ecFamily(ec.getCurve());
                key = new VerificationKey(jwk.getKeyID(), thumbprint(jwk), family, alg, ec.toECPublicKey());
            } else if (jwk instanceof OctetKeyPair okp) {
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    throw new IllegalArgumentException("OKP curve " + okp.getCurve() + " (supported: Ed25519)");
                }
                key = new VerificationKey(jwk.getKeyID(), thumbprint(jwk), Family.ED25519, alg,
                        Ed25519Keys.publicKey(okp.getDecodedX()));
            } else {
                throw new IllegalArgumentException("key type " + jwk.getKeyType()
                        + " (supported in key sets: RSA, EC, OKP Ed25519; HMAC secrets are configured with 'secret')");
            }
            if (alg != null && !key.family.algorithms.contains(alg)) {
                throw new IllegalArgumentException("its alg " + alg + " does not fit a " + key.family + " key");
            }
            return key;
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An HMAC key from a configured secret (at least 256 bits). */
    static VerificationKey hmac(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the HMAC secret must be at least 256 bits");
        }
        return new VerificationKey(null, "hmac", Family.HMAC, null, new SecretKeySpec(secret, "HMAC"));
    }

    private static Family ecFamily(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return Family.EC_P256;
        }
        if (Curve.P_384.equals(curve)) {
            return Family.EC_P384;
        }
        if (Curve.P_521.equals(curve)) {
            return Family.EC_P521;
        }
        throw new IllegalArgumentException("EC curve " + curve + " (supported: P-256, P-384, P-521)");
    }

    private static String thumbprint(JWK jwk) throws JOSEException {
        return jwk.computeThumbprint().toString();
    }

    /** Whether this key may check a token signed with {@code algorithm}. */
    boolean accepts(JWSAlgorithm algorithm) {
        return family.algorithms.contains(algorithm) && (alg == null || alg.equals(algorithm));
    }

    /**
     * Whether {@code signature} is this key's {@code algorithm} signature over {@code signingInput[0, length)};
     * false for an algorithm this key may not check.
     */
    boolean verify(JWSAlgorithm algorithm, byte[] signingInput, int length, byte[] signature) {
        JwsSignatures.Alg a = JwsSignatures.of(algorithm);
        return a != null && accepts(algorithm) && JwsSignatures.verify(a, key, signingInput, length, signature);
    }

    @Override
    public String toString() {
        return family + (kid == null ? "" : " kid=" + kid);
    }
}
