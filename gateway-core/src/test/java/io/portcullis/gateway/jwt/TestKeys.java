package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JOSEObjectType;
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
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Real keys for tests (RSA 2048, EC P-256, Ed25519) and tokens signed with them. */
final class TestKeys {
    static final String ISSUER = "https://idp.test";
    static final String AUDIENCE = "orders-api";

    final JWK publicJwk;
    private final JWSAlgorithm alg;
    private final JWSSigner signer;          // RSA, EC, HMAC
    private final KeyPair edKeys;            // Ed25519, signed with the JDK

    private TestKeys(JWK publicJwk, JWSAlgorithm alg, JWSSigner signer, KeyPair edKeys) {
        this.publicJwk = publicJwk;
        this.alg = alg;
        this.signer = signer;
        this.edKeys = edKeys;
    }

    static TestKeys rsa(String kid, JWSAlgorithm alg) {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID(kid).generate();
            return new TestKeys(key.toPublicJWK(), alg, new RSASSASigner(key), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TestKeys ec(String kid) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            return new TestKeys(key.toPublicJWK(), JWSAlgorithm.ES256, new ECDSASigner(key), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TestKeys ed25519(String kid) {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519,
                    Base64URL.encode(Ed25519Keys.rawKey(kp.getPublic()))).keyID(kid).build();
            return new TestKeys(jwk, JWSAlgorithm.EdDSA, null, kp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TestKeys hmac(String secret) {
        try {
            return new TestKeys(null, JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS document of these keys. */
    static String jwks(TestKeys... keys) {
        StringBuilder sb = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            sb.append(i == 0 ? "" : ",").append(keys[i].publicJwk.toJSONString());
        }
        return sb.append("]}").toString();
    }

    /** Standard good claims: iss, aud, sub, exp in 5 minutes, iat now. */
    static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    String token(JWTClaimsSet claims) {
        return token(claims, h -> h);
    }

    String token(String subject) {
        return token(claims(subject).build());
    }

    /** A token whose header the caller may change (jku, crit, typ ...). */
    String token(JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
        JWSHeader.Builder hb = new JWSHeader.Builder(alg).type(JOSEObjectType.JWT);
        if (publicJwk != null && publicJwk.getKeyID() != null) {
            hb.keyID(publicJwk.getKeyID());
        }
        JWSHeader h = header.apply(hb).build();
        try {
            if (edKeys != null) {
                return signEd25519(h, claims);
            }
            SignedJWT jwt = new SignedJWT(h, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String signEd25519(JWSHeader h, JWTClaimsSet claims) throws Exception {
        String input = h.toBase64URL() + "." + Base64URL.encode(claims.toString());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(edKeys.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(s.sign());
    }

    /** An unsigned token (alg none) with these claims. */
    static String unsigned(JWTClaimsSet claims) {
        return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64URL.encode(claims.toString()) + ".";
    }

    /** Settings of one issuer entry with sensible test defaults. */
    static Map<String, Object> issuer(String keySetting, Object value) {
        return Map.of("issuer", ISSUER, keySetting, value, "audiences", List.of(AUDIENCE));
    }
}
