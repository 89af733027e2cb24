package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.portcullis.benchmarks.BenchContexts;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An uncached HS256 check taken apart: the claims checks alone (expiry, not-before, issued-at,
 * audience, required claims, subject: {@link ClaimChecks}, on claims parsed beforehand), nimbus'
 * parse of the token into header and claims, the gateway's own parse of the claims set, and the
 * whole check through the policy; beside the
 * floor, the HMAC of the same bytes. In the gateway's package because {@code ClaimChecks} is not
 * public API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class JwtClaimsBenchmark {
    static final String SECRET = "a-benchmark-hmac-secret-of-32-bytes!!";
    static final String ISSUER = "https://idp.bench";

    private BenchContexts.Provider provider;
    private BenchContexts.Request request;
    private Policy uncached;
    private String token;
    private TokenClaims claims;
    private byte[] payload;
    private IssuerRule rule;
    private byte[] signingInput;
    private byte[] signature;
    private Mac mac;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        provider = new BenchContexts.Provider();
        JWTClaimsSet set = new JWTClaimsSet.Builder().issuer(ISSUER).audience("api").subject("user-42")
                .claim("scope", "orders:read orders:write").claim("roles", List.of("user"))
                .issueTime(new Date()).notBeforeTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), set);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        token = jwt.serialize();
        // the same rule the policy reads from this config: one audience, one required claim
        uncached = new JwtProvider().create(PolicySpec.of("jwt", Map.of("cacheSize", 0, "issuers", List.of(Map.of(
                "issuer", ISSUER, "secret", SECRET, "audiences", List.of("api"), "requiredClaims", List.of("scope"))))), provider);
        rule = new IssuerRule(ISSUER, Set.of(JWSAlgorithm.HS256), Set.of("api"), List.of("scope"), KeySource.fixed(null));
        payload = java.util.Base64.getUrlDecoder().decode(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.')));
        claims = TokenClaims.parse(payload);
        request = new BenchContexts.Request("203.0.113.7");
        request.requestHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        int lastDot = token.lastIndexOf('.');
        signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        signature = Base64URL.from(token.substring(lastDot + 1)).decode();
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        if (claimChecks() != null || !(uncachedToken() instanceof Decision.Continue) || !rawHmac()) {
            throw new IllegalStateException("the benchmark token is not accepted");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        provider.close();
    }

    /** The claims checks alone, as the policy runs them after the signature; null: every check passed. */
    @Benchmark
    public ClaimChecks.Refusal claimChecks() {
        return ClaimChecks.refusal(claims, rule, true, 60_000, System.currentTimeMillis());
    }

    /** nimbus parsing the token into header and claims, the first step of an uncached check. */
    @Benchmark
    public JWTClaimsSet parseToken() throws ParseException {
        return JWTParser.parse(token).getJWTClaimsSet();
    }

    /** The gateway's own strict parse of the claims set (StrictJson), as the policy does it. */
    @Benchmark
    public TokenClaims parseClaims() throws ParseException {
        return TokenClaims.parse(payload);
    }

    /** Every step through the policy: parse, header rules, key lookup, HMAC, claims, principal. */
    @Benchmark
    public Decision uncachedToken() {
        request.reset();
        return uncached.onRequest(request);
    }

    /** The floor: the HMAC of the same signing input compared with the token's signature. */
    @Benchmark
    public boolean rawHmac() {
        return MessageDigest.isEqual(mac.doFinal(signingInput), signature);
    }
}
