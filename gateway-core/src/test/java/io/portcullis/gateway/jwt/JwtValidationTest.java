package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpRequest;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.netty.handler.codec.http2.Http2Headers;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.RawHttp;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT validation through a real gateway with keys from a real JWKS endpoint: every algorithm, every
 * rejection the issue names, RFC 6750 answers, scopes and roles, cookies, claim headers, the cache.
 */
class JwtValidationTest {
    static final String HMAC_ISSUER = "https://hmac.test";
    static final String SECRET = "an-hmac-secret-of-at-least-32-bytes!!";
    static final TestKeys RSA = TestKeys.rsa("r1", JWSAlgorithm.RS256);
    static final TestKeys PSS = TestKeys.rsa("p1", JWSAlgorithm.PS256);
    static final TestKeys EC = TestKeys.ec("e1");
    static final TestKeys ED = TestKeys.ed25519("d1");
    static final TestKeys RS384 = TestKeys.rsa("r384", JWSAlgorithm.RS384);
    static final TestKeys STRANGER = TestKeys.rsa("r1", JWSAlgorithm.RS256); // same kid, other key
    static final TestKeys HMAC = TestKeys.hmac(SECRET);
    static final TestKeys PEM = TestKeys.rsa(null, JWSAlgorithm.RS256);

    static JwksServer jwks;
    static GatewayFixture fixture;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("portcullis-jwt");
        Path pem = dir.resolve("idp.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.encode(((RSAKey) PEM.publicJwk).toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        jwks = JwksServer.start(TestKeys.jwks(RSA, PSS, EC, ED, RS384));
        Map<String, Object> remote = Map.of("issuer", TestKeys.ISSUER, "jwksUrl", jwks.url(),
                "audiences", List.of(TestKeys.AUDIENCE));
        Map<String, Object> hmac = Map.of("issuer", HMAC_ISSUER, "secret", SECRET);
        Map<String, String> claimHeaders = new LinkedHashMap<>();
        claimHeaders.put("X-User-Id", "sub");
        claimHeaders.put("X-User-Roles", "roles");
        claimHeaders.put("X-Tenant", "org.tenant");
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .route(RouteConfig.prefix("/api").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(remote, hmac), "claimHeaders", claimHeaders)))
                        .build())
                .route(RouteConfig.prefix("/orders").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(remote),
                                "scopes", List.of("orders:read", "orders:write"))))
                        .build())
                .route(RouteConfig.prefix("/admin").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(remote),
                                "roles", List.of("admin", "support"), "rolesClaim", "realm.roles")))
                        .build())
                .route(RouteConfig.prefix("/web").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(remote), "bearer", false, "cookie", "session")))
                        .build())
                .route(RouteConfig.prefix("/open").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(remote), "optional", true,
                                "claimHeaders", Map.of("X-User-Id", "sub"))))
                        .build())
                .route(RouteConfig.prefix("/pem").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(Map.of("issuer", TestKeys.ISSUER,
                                "publicKeys", List.of(pem.toString()), "requiredClaims", List.of("tenant"))),
                                "cacheSize", 0, "forwardToken", false)))
                        .build())
                .meterRegistry(meters));
    }

    @AfterAll
    static void stop() {
        fixture.close();
        jwks.close();
    }

    private static RawHttp.Result get(String path, String token) throws Exception {
        return fixture.exchange("GET " + path + " HTTP/1.1\r\nHost: a\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "X-User-Id: forged\r\n\r\n");
    }

    private static HttpRequest upstreamSaw() {
        return fixture.upstream.lastRequest();
    }

    private static void assertInvalidToken(RawHttp.Result r) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("www-authenticate")).startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\"");
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        assertThat(r.body()).doesNotContain("expired", "signature", "kid");
    }

    @Test
    void everyDefaultAlgorithmIsAcceptedAndClaimsReachTheUpstream() throws Exception {
        for (TestKeys k : List.of(RSA, PSS, EC, ED)) {
            RawHttp.Result r = get("/api/x", k.token(TestKeys.claims("alice")
                    .claim("roles", List.of("user", "support")).claim("org", Map.of("tenant", "acme")).build()));
            assertThat(r.status()).as(k.publicJwk.getKeyID()).isEqualTo(200);
            HttpRequest seen = upstreamSaw();
            assertThat(seen.headers().getAll("x-user-id")).containsExactly("alice");
            assertThat(seen.headers().get("x-user-roles")).isEqualTo("user,support");
            assertThat(seen.headers().get("x-tenant")).isEqualTo("acme");
            assertThat(seen.headers().get("authorization")).startsWith("Bearer ");
        }
    }

    @Test
    void missingTokenGetsAChallengeWithoutAnErrorCode() throws Exception {
        RawHttp.Result r = get("/api/x", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("www-authenticate")).isEqualTo("Bearer realm=\"portcullis\"");
        r = fixture.exchange("GET /api/x HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YTpi\r\n\r\n");
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void timeClaimsAreCheckedWithSkew() throws Exception {
        Instant now = Instant.now();
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").expirationTime(Date.from(now.minusSeconds(120))).build())));
        assertThat(get("/api/x", RSA.token(TestKeys.claims("a").expirationTime(Date.from(now.minusSeconds(20))).build())).status())
                .as("expired 20 s ago, within the 60 s skew").isEqualTo(200);
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").expirationTime(null).build())));
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").notBeforeTime(Date.from(now.plusSeconds(300))).build())));
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").issueTime(Date.from(now.plusSeconds(300))).build())));
    }

    @Test
    void issuerAudienceSubjectAndRequiredClaimsAreChecked() throws Exception {
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").issuer("https://evil.test").build())));
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").issuer(null).build())));
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims("a").audience("other-api").build())));
        assertThat(get("/api/x", RSA.token(TestKeys.claims("a").audience(List.of("other-api", TestKeys.AUDIENCE)).build())).status())
                .isEqualTo(200);
        assertInvalidToken(get("/api/x", RSA.token(TestKeys.claims(null).build())));
        assertInvalidToken(get("/pem/x", PEM.token(TestKeys.claims("a").build())));
        assertThat(get("/pem/x", PEM.token(TestKeys.claims("a").claim("tenant", "t1").build())).status()).isEqualTo(200);
        assertThat(upstreamSaw().headers().contains("authorization")).as("forwardToken: false").isFalse();
    }

    @Test
    void unsignedConfusedAndSelfKeyedTokensAreRefused() throws Exception {
        JWTClaimsSet claims = TestKeys.claims("mallory").build();
        assertInvalidToken(get("/api/x", TestKeys.unsigned(claims)));
        // algorithm confusion: HS256 with the RSA public key as the HMAC secret, kid of the RSA key
        byte[] publicKeyBytes = ((RSAKey) RSA.publicJwk).toRSAPublicKey().getEncoded();
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("r1").build(), claims);
        confused.sign(new MACSigner(java.util.Arrays.copyOf(publicKeyBytes, Math.max(32, publicKeyBytes.length))));
        assertInvalidToken(get("/api/x", confused.serialize()));
        // the HMAC issuer's secret does not open the RSA issuer either
        assertInvalidToken(get("/api/x", HMAC.token(claims)));
        assertInvalidToken(get("/api/x", RSA.token(claims, h -> h.jwkURL(URI.create("https://evil.test/jwks")))));
        assertInvalidToken(get("/api/x", RSA.token(claims, h -> h.x509CertURL(URI.create("https://evil.test/cert")))));
        assertInvalidToken(get("/api/x", RSA.token(claims, h -> h.jwk(RSA.publicJwk))));
        assertInvalidToken(get("/api/x", RSA.token(claims, h -> h.criticalParams(Set.of("exp")).customParam("exp", 1))));
        assertInvalidToken(get("/api/x", RS384.token(claims)));
        assertInvalidToken(get("/api/x", STRANGER.token(claims)));
        String good = RSA.token(claims);
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode(TestKeys.claims("admin").build().toString()) + "." + parts[2];
        assertInvalidToken(get("/api/x", tampered));
        assertInvalidToken(get("/api/x", "not.a.jwt"));
        assertInvalidToken(get("/api/x", "garbage"));
    }

    @Test
    void hmacIssuerIsAcceptedWithItsSecret() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(HMAC_ISSUER).subject("svc")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build();
        assertThat(get("/api/x", HMAC.token(claims)).status()).isEqualTo(200);
        assertThat(upstreamSaw().headers().get("x-user-id")).isEqualTo("svc");
    }

    @Test
    void oversizedTokenIs431BeforeParsing() throws Exception {
        RawHttp.Result r = get("/api/x", "x".repeat(9000));
        assertThat(r.status()).isEqualTo(431);
    }

    @Test
    void severalAuthorizationHeadersAreRefused() throws Exception {
        String t = RSA.token("alice");
        RawHttp.Result r = fixture.exchange("GET /api/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + t
                + "\r\nAuthorization: Bearer " + t + "\r\n\r\n");
        assertInvalidToken(r);
    }

    @Test
    void scopesMustAllBeGranted() throws Exception {
        RawHttp.Result r = get("/orders/1", RSA.token(TestKeys.claims("a").claim("scope", "orders:read").build()));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("www-authenticate"))
                .isEqualTo("Bearer realm=\"portcullis\", error=\"insufficient_scope\", scope=\"orders:read orders:write\"");
        assertThat(get("/orders/1", RSA.token(TestKeys.claims("a").claim("scope", "orders:write orders:read").build())).status())
                .isEqualTo(200);
        assertThat(get("/orders/1", RSA.token(TestKeys.claims("a").claim("scp", List.of("orders:read", "orders:write")).build())).status())
                .isEqualTo(200);
    }

    @Test
    void anyOneRoleFromANestedClaimIsEnough() throws Exception {
        assertThat(get("/admin/x", RSA.token(TestKeys.claims("a").claim("realm", Map.of("roles", List.of("support"))).build())).status())
                .isEqualTo(200);
        assertThat(get("/admin/x", RSA.token(TestKeys.claims("a").claim("realm", Map.of("roles", List.of("user"))).build())).status())
                .isEqualTo(403);
        assertThat(get("/admin/x", RSA.token(TestKeys.claims("a").claim("roles", List.of("admin")).build())).status())
                .as("top-level roles do not count when rolesClaim is realm.roles").isEqualTo(403);
    }

    @Test
    void tokenFromACookie() throws Exception {
        String t = EC.token("carol");
        RawHttp.Result r = fixture.exchange("GET /web/x HTTP/1.1\r\nHost: a\r\nCookie: theme=dark; session=" + t + "; x=y\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        r = fixture.exchange("GET /web/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + t + "\r\n\r\n");
        assertThat(r.status()).as("bearer: false").isEqualTo(401);
        r = fixture.exchange("GET /web/x HTTP/1.1\r\nHost: a\r\nCookie: xsession=" + t + "\r\n\r\n");
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void forgedClaimHeadersNeverReachTheUpstream() throws Exception {
        assertThat(get("/open/x", null).status()).isEqualTo(200);
        assertThat(upstreamSaw().headers().contains("x-user-id")).isFalse();
        assertThat(get("/open/x", RSA.token("dave")).status()).isEqualTo(200);
        assertThat(upstreamSaw().headers().getAll("x-user-id")).containsExactly("dave");
        assertInvalidToken(get("/open/x", RSA.token(TestKeys.claims("dave").issuer("https://evil.test").build())));
    }

    @Test
    void claimsThatWouldInjectHeadersAreDropped() throws Exception {
        assertThat(get("/api/x", RSA.token(TestKeys.claims("eve\r\nX-Admin: 1").build())).status()).isEqualTo(200);
        assertThat(upstreamSaw().headers().contains("x-user-id")).isFalse();
        assertThat(upstreamSaw().headers().contains("x-admin")).isFalse();
    }

    @Test
    void aRepeatedTokenIsServedFromTheCache() throws Exception {
        String t = RSA.token(TestKeys.claims("frank").jwtID("cache-test").build());
        double verified = meters.counter("portcullis.auth.jwt", "result", "verified").count();
        double cached = meters.counter("portcullis.auth.jwt", "result", "cached").count();
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/x", t).status()).isEqualTo(200);
            assertThat(upstreamSaw().headers().get("x-user-id")).isEqualTo("frank");
        }
        assertThat(meters.counter("portcullis.auth.jwt", "result", "verified").count() - verified).isEqualTo(1);
        assertThat(meters.counter("portcullis.auth.jwt", "result", "cached").count() - cached).isEqualTo(2);
    }

    @Test
    void aCachedTokenIsNotTrustedPastItsExpiry() throws Exception {
        // already past exp but inside the clock skew: accepted, yet never cached, so the next use re-checks it
        String t = RSA.token(TestKeys.claims("gina").expirationTime(Date.from(Instant.now().minusSeconds(30))).build());
        assertThat(get("/api/x", t).status()).isEqualTo(200);
        double cached = meters.counter("portcullis.auth.jwt", "result", "cached").count();
        assertThat(get("/api/x", t).status()).isEqualTo(200);
        assertThat(meters.counter("portcullis.auth.jwt", "result", "cached").count()).as("never cached past exp").isEqualTo(cached);
    }

    @Test
    void wrongSignatureWithKnownKidDoesNotTriggerAFetch() throws Exception {
        int before = jwks.hits.get();
        assertInvalidToken(get("/api/x", STRANGER.token("x")));
        assertThat(jwks.hits.get()).isEqualTo(before);
    }

    @Test
    void overHttp2WithBearerAndSplitCookies() throws Exception {
        try (NettyH2Client h2 = new NettyH2Client("127.0.0.1", fixture.port(), false)) {
            Http2Headers bearer = NettyH2Client.headers("GET", "a", "/api/x").add("authorization", "Bearer " + ED.token("h2-user"))
                    .add("x-user-id", "forged");
            assertThat(h2.send(bearer, null).status()).isEqualTo(200);
            assertThat(upstreamSaw().headers().getAll("x-user-id")).containsExactly("h2-user");
            // HTTP/2 lets clients send each cookie in its own header field (RFC 9113 8.2.3)
            Http2Headers cookies = NettyH2Client.headers("GET", "a", "/web/x").add("cookie", "theme=dark")
                    .add("cookie", "session=" + EC.token("h2-cookie"));
            assertThat(h2.send(cookies, null).status()).isEqualTo(200);
            assertThat(upstreamSaw().headers().getAll("cookie")).as("joined for HTTP/1.1").hasSize(1);
            assertThat(h2.send(NettyH2Client.headers("GET", "a", "/web/x"), null).status()).isEqualTo(401);
        }
    }

    @Test
    void aCachedTokenWithAnotherSignatureIsCheckedAgainAndRefused() throws Exception {
        String t = RSA.token(TestKeys.claims("ivan").jwtID("cache-tamper").build());
        assertThat(get("/api/x", t).status()).isEqualTo(200);
        assertThat(get("/api/x", t).status()).isEqualTo(200); // from the cache
        char last = t.charAt(t.length() - 2);
        String otherSignature = t.substring(0, t.length() - 2) + (last == 'A' ? 'B' : 'A') + t.charAt(t.length() - 1);
        assertInvalidToken(get("/api/x", otherSignature));
        assertInvalidToken(get("/api/x", t + "A"));
        assertThat(get("/api/x", t).status()).isEqualTo(200);
    }

    @Test
    void nonAsciiTokensAreRefusedWithAndWithoutTheCache() throws Exception {
        String t = RSA.token(TestKeys.claims("judy").claim("tenant", "t1").build());
        assertInvalidToken(get("/api/x", t + "\u00e9"));
        assertInvalidToken(get("/api/x", t.replace('.', '\u00ae')));
        String pem = PEM.token(TestKeys.claims("judy").claim("tenant", "t1").build());
        assertThat(get("/pem/x", pem).status()).isEqualTo(200);
        assertInvalidToken(get("/pem/x", pem + "\u00e9"));
    }

    @Test
    void anUnencodedPayloadIsRefusedEvenWithAGoodSignature() throws Exception {
        // b64: false (RFC 7797) without crit: the signature covers the very bytes sent, yet such tokens are refused
        String header = Base64URL.encode("{\"alg\":\"HS256\",\"b64\":false}").toString();
        String payload = Base64URL.encode(new JWTClaimsSet.Builder().issuer(HMAC_ISSUER).subject("svc")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build().toString()).toString();
        String input = header + "." + payload;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64URL.encode(mac.doFinal(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).toString();
        assertInvalidToken(get("/api/x", input + "." + signature));
        // the same token with an ordinary header passes: only b64 made the difference
        String plainHeader = Base64URL.encode("{\"alg\":\"HS256\"}").toString();
        String plain = plainHeader + "." + payload;
        assertThat(get("/api/x", plain + "." + Base64URL.encode(mac.doFinal(plain.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))).status())
                .isEqualTo(200);
    }

    @Test
    void typIsNotRequired() throws Exception {
        assertThat(get("/api/x", RSA.token(TestKeys.claims("h").build(), h -> h.type(JOSEObjectType.JOSE))).status()).isEqualTo(200);
    }
}
