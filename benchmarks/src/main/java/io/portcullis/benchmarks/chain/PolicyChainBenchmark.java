package io.portcullis.benchmarks.chain;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.portcullis.benchmarks.BenchContexts;
import io.portcullis.gateway.headers.CorsProvider;
import io.portcullis.gateway.headers.SecurityHeadersProvider;
import io.portcullis.gateway.ip.IpRulesProvider;
import io.portcullis.gateway.jwt.JwtProvider;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.ratelimit.RateLimitProvider;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Every built-in policy on one request, no I/O: IP rules, CORS, a cached JWT, an in-memory rate
 * limit that admits, then the response side (security headers, rate-limit headers, CORS headers).
 * The security headers alone, with their floor, are {@code headers.SecurityHeadersBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PolicyChainBenchmark {
    static final String SECRET = "a-benchmark-hmac-secret-of-32-bytes!!";

    private BenchContexts.Provider provider;
    private BenchContexts.Request request;
    private Policy[] chain;
    private final HttpHeaders response = new DefaultHttpHeaders();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        provider = new BenchContexts.Provider();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), new JWTClaimsSet.Builder()
                .issuer("svc").subject("user-42").claim("roles", List.of("user"))
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        chain = new Policy[] {
            new IpRulesProvider().create(PolicySpec.of("ip-rules", Map.of("deny", List.of("192.0.2.0/24", "2001:db8::/32"))), provider),
            new CorsProvider().create(PolicySpec.of("cors", Map.of("allowedOrigins", List.of("https://app.example.com"))), provider),
            new JwtProvider().create(PolicySpec.of("jwt", Map.of("issuers", List.of(Map.of("issuer", "svc", "secret", SECRET)),
                    "roles", List.of("user"), "claimHeaders", Map.of("X-User-Id", "sub"))), provider),
            new RateLimitProvider().create(PolicySpec.of("rate-limit", Map.of("requests", 1_000_000_000, "per", "1s")), provider),
            new SecurityHeadersProvider().create(PolicySpec.of("security-headers"), provider),
        };
        request = new BenchContexts.Request("203.0.113.7");
        request.requestHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + jwt.serialize());
        request.requestHeaders().set(HttpHeaderNames.ORIGIN, "https://app.example.com");
        if (!(fullChain() == null)) {
            throw new IllegalStateException("the chain refused the benchmark request");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        provider.close();
    }

    /** Request side in order, response side in reverse; null when every policy let the request through. */
    @Benchmark
    public Decision fullChain() {
        request.reset();
        for (Policy p : chain) {
            Decision d = p.onRequest(request);
            if (!(d instanceof Decision.Continue)) {
                return d;
            }
        }
        response.clear();
        response.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        for (int i = chain.length - 1; i >= 0; i--) {
            chain[i].onResponse(request, response);
        }
        return null;
    }

    /** The floor: what {@link #fullChain()} does besides the policies (reset the request, build the response headers). */
    @Benchmark
    public HttpHeaders floorWithoutPolicies() {
        request.reset();
        response.clear();
        response.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return response;
    }
}
