package io.portcullis.benchmarks.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.portcullis.benchmarks.BenchContexts;
import io.portcullis.gateway.jwt.JwtProvider;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code jwt} policy on one request: a cached token, an uncached one per algorithm, and the
 * floor beside it, the JDK's own signature check on the same bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class JwtBenchmark {
    static final String SECRET = "a-benchmark-hmac-secret-of-32-bytes!!";

    @Param({"RS256", "PS256", "ES256", "EdDSA", "HS256"})
    public String alg;

    private BenchContexts.Provider provider;
    private BenchContexts.Request request;
    private Policy cached;
    private Policy uncached;
    private String token;
    private byte[] signingInput;
    private byte[] signature;
    private Signature jca;
    private PublicKey publicKey;
    private Mac mac;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        provider = new BenchContexts.Provider();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://idp.bench").audience("api").subject("user-42")
                .claim("scope", "orders:read orders:write").claim("roles", List.of("user"))
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
        Map<String, Object> issuer;
        JWSAlgorithm a = JWSAlgorithm.parse(alg);
        Path jwks = Files.createTempFile("bench-jwks", ".json");
        switch (alg) {
            case "RS256", "PS256" -> {
                RSAKey k = new RSAKeyGenerator(2048).keyID("k1").generate();
                token = sign(new SignedJWT(new JWSHeader.Builder(a).keyID("k1").build(), claims), new RSASSASigner(k));
                Files.writeString(jwks, "{\"keys\":[" + k.toPublicJWK().toJSONString() + "]}");
                publicKey = k.toRSAPublicKey();
                jca = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "RSASSA-PSS");
                if (alg.equals("PS256")) {
                    jca.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
                }
            }
            case "ES256" -> {
                ECKey k = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
                token = sign(new SignedJWT(new JWSHeader.Builder(a).keyID("k1").build(), claims), new ECDSASigner(k));
                Files.writeString(jwks, "{\"keys\":[" + k.toPublicJWK().toJSONString() + "]}");
                publicKey = k.toECPublicKey();
                jca = Signature.getInstance("SHA256withECDSA");
            }
            case "EdDSA" -> {
                KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] spki = kp.getPublic().getEncoded();
                byte[] x = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                JWK k = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("k1").build();
                String input = new JWSHeader.Builder(a).keyID("k1").build().toBase64URL() + "."
                        + Base64URL.encode(claims.toString());
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(kp.getPrivate());
                s.update(input.getBytes(StandardCharsets.US_ASCII));
                token = input + "." + Base64URL.encode(s.sign());
                Files.writeString(jwks, "{\"keys\":[" + k.toJSONString() + "]}");
                publicKey = kp.getPublic();
                jca = Signature.getInstance("Ed25519");
            }
            case "HS256" -> {
                token = sign(new SignedJWT(new JWSHeader.Builder(a).build(), claims),
                        new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            }
            default -> throw new IllegalArgumentException(alg);
        }
        issuer = alg.equals("HS256")
                ? Map.of("issuer", "https://idp.bench", "secret", SECRET, "audiences", List.of("api"))
                : Map.of("issuer", "https://idp.bench", "jwksFile", jwks.toString(), "audiences", List.of("api"),
                        "algorithms", List.of(alg));
        cached = new JwtProvider().create(PolicySpec.of("jwt", Map.of("issuers", List.of(issuer))), provider);
        uncached = new JwtProvider().create(PolicySpec.of("jwt", Map.of("issuers", List.of(issuer), "cacheSize", 0)), provider);
        request = new BenchContexts.Request("203.0.113.7");
        request.requestHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        int lastDot = token.lastIndexOf('.');
        signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        signature = Base64URL.from(token.substring(lastDot + 1)).decode();
        if (alg.equals("ES256")) {
            signature = ECDSA.transcodeSignatureToDER(signature);
        }
        if (!(cached.onRequest(request) instanceof Decision.Continue) || !(uncached.onRequest(request) instanceof Decision.Continue)) {
            throw new IllegalStateException("the benchmark token is not accepted");
        }
    }

    private static String sign(SignedJWT jwt, com.nimbusds.jose.JWSSigner signer) throws Exception {
        jwt.sign(signer);
        return jwt.serialize();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        provider.close();
    }

    /** A token seen before: a copy and a seeded hash of the token, a cache lookup, a full compare. */
    @Benchmark
    public Decision cachedToken() {
        request.reset();
        return cached.onRequest(request);
    }

    /** Every check: parse, header rules, key lookup, signature, claims. */
    @Benchmark
    public Decision uncachedToken() {
        request.reset();
        return uncached.onRequest(request);
    }

    /** The floor: the JDK verifying the same signature over the same bytes, nothing else. */
    @Benchmark
    public boolean rawJcaVerify() throws Exception {
        if (mac != null) {
            byte[] expected = mac.doFinal(signingInput);
            return java.security.MessageDigest.isEqual(expected, signature); // decoded in setUp, as for the other algorithms
        }
        jca.initVerify(publicKey);
        jca.update(signingInput);
        return jca.verify(signature);
    }
}
