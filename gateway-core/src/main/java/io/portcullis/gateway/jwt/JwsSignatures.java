package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * JWS signature checks (RFC 7518) with the JDK's own engines. {@link Signature} and {@link Mac}
 * objects are not thread-safe and slow to look up, so every thread keeps one engine per algorithm,
 * made on first use and re-initialised only when the key changes; an engine never leaves its thread.
 */
final class JwsSignatures {
    /** The JWS algorithms this gateway checks, with the JCA engine and exact signature size each needs. */
    enum Alg {
        RS256(Kind.RSA, "SHA256withRSA", null),
        RS384(Kind.RSA, "SHA384withRSA", null),
        RS512(Kind.RSA, "SHA512withRSA", null),
        PS256(Kind.RSA, "RSASSA-PSS", pss("SHA-256", MGF1ParameterSpec.SHA256, 32)),
        PS384(Kind.RSA, "RSASSA-PSS", pss("SHA-384", MGF1ParameterSpec.SHA384, 48)),
        PS512(Kind.RSA, "RSASSA-PSS", pss("SHA-512", MGF1ParameterSpec.SHA512, 64)),
        // JWS carries ECDSA signatures as R || S (IEEE P1363), not DER
        ES256(Kind.EC, "SHA256withECDSAinP1363Format", null, 64),
        ES384(Kind.EC, "SHA384withECDSAinP1363Format", null, 96),
        ES512(Kind.EC, "SHA512withECDSAinP1363Format", null, 132),
        ED25519(Kind.EDDSA, "Ed25519", null, 64),
        HS256(Kind.HMAC, "HmacSHA256", null),
        HS384(Kind.HMAC, "HmacSHA384", null),
        HS512(Kind.HMAC, "HmacSHA512", null);

        final Kind kind;
        final String jca;
        final AlgorithmParameterSpec params;
        /** The exact signature length, 0 where the key decides it (RSA: the modulus size). */
        final int signatureBytes;

        Alg(Kind kind, String jca, AlgorithmParameterSpec params) {
            this(kind, jca, params, 0);
        }

        Alg(Kind kind, String jca, AlgorithmParameterSpec params, int signatureBytes) {
            this.kind = kind;
            this.jca = jca;
            this.params = params;
            this.signatureBytes = signatureBytes;
        }

        private static PSSParameterSpec pss(String digest, MGF1ParameterSpec mgf, int saltBytes) {
            return new PSSParameterSpec(digest, "MGF1", mgf, saltBytes, PSSParameterSpec.TRAILER_FIELD_BC);
        }
    }

    enum Kind { RSA, EC, EDDSA, HMAC }

    private static final Map<JWSAlgorithm, Alg> BY_JWS;

    static {
        Map<JWSAlgorithm, Alg> m = new HashMap<>();
        for (Alg a : Alg.values()) {
            m.put(a == Alg.ED25519 ? JWSAlgorithm.Ed25519 : JWSAlgorithm.parse(a.name()), a);
        }
        m.put(JWSAlgorithm.EdDSA, Alg.ED25519); // the older name of the same thing (RFC 8037)
        BY_JWS = Map.copyOf(m);
    }

    private static final ThreadLocal<Engines> ENGINES = ThreadLocal.withInitial(Engines::new);

    private JwsSignatures() {
    }

    /** The algorithm of this name, or null when the gateway does not check it. */
    static Alg of(JWSAlgorithm alg) {
        return BY_JWS.get(alg);
    }

    /**
     * Whether {@code signature} is {@code alg}'s signature by {@code key} over {@code input[0, length)}.
     * False (never an exception) for a key of the wrong type, a signature of the wrong size or form.
     */
    static boolean verify(Alg alg, Key key, byte[] input, int length, byte[] signature) {
        Engines engines = ENGINES.get();
        try {
            if (alg.kind == Kind.HMAC) {
                if (!(key instanceof SecretKey)) {
                    return false;
                }
                Mac mac = engines.mac(alg, key);
                mac.update(input, 0, length);
                return MessageDigest.isEqual(mac.doFinal(), signature); // constant time
            }
            if (!(key instanceof PublicKey publicKey) || !fits(alg, publicKey, signature)) {
                return false;
            }
            Signature s = engines.signature(alg, publicKey);
            s.update(input, 0, length);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            engines.forget(alg); // its state is unknown now: initialise it afresh next time
            return false;
        }
    }

    /** The checks before the engine runs: key type, exact size, and for ECDSA R and S within [1, n-1]. */
    private static boolean fits(Alg alg, PublicKey key, byte[] signature) {
        switch (alg.kind) {
            case RSA:
                return key instanceof RSAPublicKey rsa && signature.length == (rsa.getModulus().bitLength() + 7) / 8;
            case EC: {
                if (!(key instanceof ECPublicKey ec) || signature.length != alg.signatureBytes) {
                    return false;
                }
                // an all-zero (or out of range) R or S must never pass, whatever the JDK's own checks (CVE-2022-21449)
                int half = signature.length / 2;
                BigInteger n = ec.getParams().getOrder();
                return inRange(new BigInteger(1, Arrays.copyOfRange(signature, 0, half)), n)
                        && inRange(new BigInteger(1, Arrays.copyOfRange(signature, half, signature.length)), n);
            }
            case EDDSA:
                return (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519"))
                        && signature.length == alg.signatureBytes;
            default:
                return false;
        }
    }

    private static boolean inRange(BigInteger v, BigInteger order) {
        return v.signum() > 0 && v.compareTo(order) < 0;
    }

    /** One thread's engines and the key each was last initialised with. */
    private static final class Engines {
        private final Map<Alg, Signature> signatures = new EnumMap<>(Alg.class);
        private final Map<Alg, Mac> macs = new EnumMap<>(Alg.class);
        private final Key[] keys = new Key[Alg.values().length];

        Signature signature(Alg alg, PublicKey key) throws GeneralSecurityException {
            Signature s = signatures.get(alg);
            if (s == null) {
                s = Signature.getInstance(alg.jca);
                if (alg.params != null) {
                    s.setParameter(alg.params);
                }
                signatures.put(alg, s);
                keys[alg.ordinal()] = null;
            }
            if (keys[alg.ordinal()] != key) {
                keys[alg.ordinal()] = null;
                s.initVerify(key); // keeps the PSS parameters set above
                keys[alg.ordinal()] = key;
            }
            return s;
        }

        Mac mac(Alg alg, Key key) throws GeneralSecurityException {
            Mac m = macs.get(alg);
            if (m == null) {
                m = Mac.getInstance(alg.jca);
                macs.put(alg, m);
                keys[alg.ordinal()] = null;
            }
            if (keys[alg.ordinal()] != key) {
                keys[alg.ordinal()] = null;
                m.init(key);
                keys[alg.ordinal()] = key;
            }
            return m;
        }

        void forget(Alg alg) {
            keys[alg.ordinal()] = null;
            Mac m = macs.get(alg);
            if (m != null) {
                m.reset();
            }
        }
    }
}
