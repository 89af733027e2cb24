package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every algorithm the gateway checks, with real keys: a good signature passes, a tampered one or
 * one by another key fails, keys never check another family's algorithms, and the per-thread
 * engines stay right when keys alternate and threads run side by side.
 */
class JwsSignaturesTest {
    static final byte[] INPUT = "eyJhbGciOiJ0ZXN0In0.eyJzdWIiOiJhbGljZSJ9".getBytes(StandardCharsets.US_ASCII);
    static final RSAKey RSA_1 = rsa("r1");
    static final RSAKey RSA_2 = rsa("r2");
    static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    /** A signer and the public key to check with, for one algorithm. */
    record Pair(JWSAlgorithm alg, VerificationKey key, Signer signer) {
        byte[] sign(byte[] input) throws Exception {
            return signer.sign(input);
        }

        boolean verify(byte[] input, byte[] signature) {
            // the signing input sits in a longer buffer, as it does in the policy (the token's bytes)
            byte[] buffer = Arrays.copyOf(input, input.length + 40);
            buffer[input.length] = '.';
            return key.verify(alg, buffer, input.length, signature);
        }
    }

    interface Signer {
        byte[] sign(byte[] input) throws Exception;
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Signer nimbus(JWSSigner signer, JWSAlgorithm alg) {
        return input -> signer.sign(new JWSHeader(alg), input).decode();
    }

    static Pair pair(String name) throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        switch (name) {
            case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" -> {
                RSAKey k = rsa("k");
                return new Pair(alg, VerificationKey.of(k.toPublicJWK()), nimbus(new RSASSASigner(k), alg));
            }
            case "ES256", "ES384", "ES512" -> {
                Curve curve = name.equals("ES256") ? Curve.P_256 : name.equals("ES384") ? Curve.P_384 : Curve.P_521;
                ECKey k = new ECKeyGenerator(curve).generate();
                return new Pair(alg, VerificationKey.of(k.toPublicJWK()), nimbus(new ECDSASigner(k), alg));
            }
            case "EdDSA", "Ed25519" -> {
                KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                JWK jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519Keys.rawKey(kp.getPublic()))).build();
                return new Pair(alg, VerificationKey.of(jwk), input -> ed25519(kp.getPrivate(), input));
            }
            case "HS256", "HS384", "HS512" -> {
                byte[] secret = new byte[64];
                new java.security.SecureRandom().nextBytes(secret);
                return new Pair(alg, VerificationKey.hmac(secret), nimbus(new MACSigner(secret), alg));
            }
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static byte[] ed25519(PrivateKey key, byte[] input) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(input);
        return s.sign();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
            "Ed25519", "HS256", "HS384", "HS512"})
    void goodSignaturesPassTamperedOrForeignOnesFail(String name) throws Exception {
        Pair p = pair(name);
        Pair other = pair(name);
        byte[] sig = p.sign(INPUT);
        assertThat(p.verify(INPUT, sig)).as("valid").isTrue();
        assertThat(p.verify(INPUT, sig)).as("again, same engine").isTrue();

        byte[] flipped = sig.clone();
        flipped[flipped.length / 2] ^= 0x01;
        assertThat(p.verify(INPUT, flipped)).as("tampered signature").isFalse();
        byte[] input = INPUT.clone();
        input[3] ^= 0x01;
        assertThat(p.verify(input, sig)).as("tampered input").isFalse();
        assertThat(p.verify(INPUT, Arrays.copyOf(sig, sig.length - 1))).as("short signature").isFalse();
        assertThat(p.verify(INPUT, Arrays.copyOf(sig, sig.length + 1))).as("long signature").isFalse();
        assertThat(p.verify(INPUT, new byte[0])).as("empty signature").isFalse();
        assertThat(other.verify(INPUT, sig)).as("another key").isFalse();
        assertThat(p.verify(INPUT, sig)).as("valid after failures").isTrue();
    }

    @Test
    void ecdsaSignaturesWithZeroOrOutOfRangeHalvesFail() throws Exception {
        for (String name : List.of("ES256", "ES384", "ES512")) {
            Pair p = pair(name);
            int size = JwsSignatures.of(p.alg()).signatureBytes;
            assertThat(p.verify(INPUT, new byte[size])).as(name + " all zero").isFalse();
            byte[] ones = new byte[size];
            Arrays.fill(ones, (byte) 0xff);
            assertThat(p.verify(INPUT, ones)).as(name + " R, S >= n").isFalse();
            byte[] sig = p.sign(INPUT);
            assertThat(p.verify(INPUT, sig)).isTrue();
            Arrays.fill(sig, 0, size / 2, (byte) 0);
            assertThat(p.verify(INPUT, sig)).as(name + " R = 0").isFalse();
        }
    }

    @Test
    void aKeyNeverChecksAnotherFamilysAlgorithm() throws Exception {
        Pair rsa = pair("RS256");
        byte[] rsaSig = rsa.sign(INPUT);
        for (String alg : List.of("HS256", "HS384", "HS512", "ES256", "EdDSA")) {
            assertThat(rsa.key().verify(JWSAlgorithm.parse(alg), INPUT, INPUT.length, rsaSig)).as(alg).isFalse();
        }
        // HS256 keyed with the RSA public key's bytes, the classic confusion: the RSA key must not take it
        byte[] publicBytes = RSA_1.toRSAPublicKey().getEncoded();
        byte[] confused = new MACSigner(publicBytes).sign(new JWSHeader(JWSAlgorithm.HS256), INPUT).decode();
        VerificationKey rsaKey = VerificationKey.of(RSA_1.toPublicJWK());
        assertThat(rsaKey.verify(JWSAlgorithm.HS256, INPUT, INPUT.length, confused)).isFalse();
        // a P-256 key checks ES256 only
        Pair es256 = pair("ES256");
        byte[] esSig = es256.sign(INPUT);
        assertThat(es256.key().verify(JWSAlgorithm.ES384, INPUT, INPUT.length, esSig)).isFalse();
        // an HMAC key checks nothing asymmetric
        Pair hmac = pair("HS256");
        assertThat(hmac.key().verify(JWSAlgorithm.RS256, INPUT, INPUT.length, rsaSig)).isFalse();
        // the RSA signature's own key, under PS256 instead of RS256, fails
        assertThat(rsa.key().verify(JWSAlgorithm.PS256, INPUT, INPUT.length, rsaSig)).isFalse();
    }

    @Test
    void aJwkNamingAnAlgChecksOnlyThatOne() throws Exception {
        RSAKey ps256Only = new RSAKey.Builder(RSA_1.toRSAPublicKey()).algorithm(JWSAlgorithm.PS256).build();
        VerificationKey key = VerificationKey.of(ps256Only);
        byte[] rs = new RSASSASigner(RSA_1).sign(new JWSHeader(JWSAlgorithm.RS256), INPUT).decode();
        byte[] ps = new RSASSASigner(RSA_1).sign(new JWSHeader(JWSAlgorithm.PS256), INPUT).decode();
        assertThat(key.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, rs)).isFalse();
        assertThat(key.verify(JWSAlgorithm.PS256, INPUT, INPUT.length, ps)).isTrue();
    }

    @Test
    void alternatingKeysOnOneThreadEachCheckTheirOwn() throws Exception {
        VerificationKey k1 = VerificationKey.of(RSA_1.toPublicJWK());
        VerificationKey k2 = VerificationKey.of(RSA_2.toPublicJWK());
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS384)) {
            byte[] s1 = new RSASSASigner(RSA_1).sign(new JWSHeader(alg), INPUT).decode();
            byte[] s2 = new RSASSASigner(RSA_2).sign(new JWSHeader(alg), INPUT).decode();
            for (int i = 0; i < 3; i++) {
                assertThat(k1.verify(alg, INPUT, INPUT.length, s1)).isTrue();
                assertThat(k2.verify(alg, INPUT, INPUT.length, s1)).isFalse();
                assertThat(k2.verify(alg, INPUT, INPUT.length, s2)).isTrue();
                assertThat(k1.verify(alg, INPUT, INPUT.length, s2)).isFalse();
            }
        }
    }

    @Test
    void threadsCheckSideBySide() throws Exception {
        List<Pair> pairs = new ArrayList<>();
        for (String name : List.of("RS256", "PS256", "ES256", "EdDSA", "HS256")) {
            pairs.add(pair(name));
        }
        List<byte[]> sigs = new ArrayList<>();
        for (Pair p : pairs) {
            sigs.add(p.sign(INPUT));
        }
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int offset = t;
            results.add(POOL.submit((Callable<Boolean>) () -> {
                for (int i = 0; i < 50; i++) {
                    int j = (i + offset) % pairs.size();
                    Pair p = pairs.get(j);
                    if (!p.verify(INPUT, sigs.get(j)) || p.verify(INPUT, sigs.get((j + 1) % pairs.size()))) {
                        return false;
                    }
                }
                return true;
            }));
        }
        for (Future<Boolean> r : results) {
            assertThat(r.get()).isTrue();
        }
    }
}
