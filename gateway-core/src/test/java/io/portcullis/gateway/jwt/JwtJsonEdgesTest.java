package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.Principal;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON of headers and claims at its edges, through a real gateway with tokens signed over the
 * exact bytes: repeated names, escapes, surrogates, UTF-8, nesting, numbers, trailing data, and the
 * claims the principal then holds, compared with what nimbus' {@code JWTClaimsSet} made of them.
 */
class JwtJsonEdgesTest {
    static final String ISSUER = "https://json.test";
    static final String SECRET = "a-secret-for-the-json-edge-tests-32b";
    static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    static final AtomicReference<Principal> SEEN = new AtomicReference<>();

    static GatewayFixture fixture;

    /** {@code type: capture}: keeps the principal the jwt policy before it established. */
    static final class Capture implements PolicyProvider {
        @Override
        public String type() {
            return "capture";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            return ctx -> {
                SEEN.set(ctx.principal());
                return Decision.proceed();
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> jwt = Map.of("issuers", List.of(Map.of("issuer", ISSUER, "secret", SECRET,
                "audiences", List.of("api"))), "cacheSize", 0, "claimHeaders", Map.of("X-User-Id", "sub", "X-Big", "big"));
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .policyProvider(new Capture())
                .route(RouteConfig.prefix("/").to(up.url()).policy(PolicySpec.of("jwt", jwt))
                        .policy(PolicySpec.of("capture", Map.of())).build()));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @BeforeEach
    void forget() {
        SEEN.set(null);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** Good claims with {@code extra} members appended, e.g. {@code ,"x":1}. */
    private static String claims(String extra) {
        return "{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"aud\":\"api\",\"exp\":" + (now() + 300) + extra + "}";
    }

    private static String token(String header, String claims) throws Exception {
        return token(header.getBytes(StandardCharsets.UTF_8), claims.getBytes(StandardCharsets.UTF_8));
    }

    /** A token over exactly these header and claims bytes, signed with the issuer's secret. */
    private static String token(byte[] header, byte[] claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header) + "." + b64.encodeToString(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static int status(String header, String claims) throws Exception {
        return status(token(header, claims));
    }

    private static int status(String token) throws Exception {
        RawHttp.Result r = fixture.exchange("GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n");
        if (r.status() == 401) {
            assertThat(r.header("www-authenticate")).contains("error=\"invalid_token\"");
        }
        return r.status();
    }

    /** Accepted, and the principal's claims are what nimbus' JWTClaimsSet made of the same JSON. */
    private static Principal acceptedAsBefore(String claims) throws Exception {
        assertThat(status(HS256, claims)).as(claims).isEqualTo(200);
        Principal p = SEEN.get();
        Map<String, Object> before = Map.copyOf(JWTClaimsSet.parse(claims).toJSONObject());
        assertThat(p.claims()).as(claims).isEqualTo(before);
        for (Map.Entry<String, Object> e : before.entrySet()) {
            Object mine = p.claims().get(e.getKey());
            if (e.getValue() instanceof Map) {
                assertThat(mine).as(e.getKey()).isInstanceOf(Map.class); // was Gson's LinkedTreeMap, now a LinkedHashMap
            } else if (e.getValue() instanceof List) {
                assertThat(mine).as(e.getKey()).isInstanceOf(List.class);
            } else {
                assertThat(mine).as(e.getKey()).hasSameClassAs(e.getValue()); // String, Long, Double, Boolean
            }
        }
        assertThat(p.subject()).isEqualTo(JWTClaimsSet.parse(claims).getSubject());
        return p;
    }

    @Test
    void anOrdinaryTokenPasses() throws Exception {
        Principal p = acceptedAsBefore(claims(",\"scope\":\"a b\",\"roles\":[\"user\"],\"iat\":" + now()
                + ",\"nbf\":" + now() + ",\"jti\":\"j1\",\"org\":{\"tenant\":\"acme\",\"ids\":[1,2.5,null,true]},\"gone\":null"));
        assertThat(p.scopes()).containsExactlyInAnyOrder("a", "b");
        assertThat(p.roles()).containsExactly("user");
        assertThat(p.claims()).doesNotContainKey("gone");
        assertThat(fixture.upstream.lastRequest().headers().get("x-user-id")).isEqualTo("alice");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            many.append(i == 0 ? "" : ",").append(" s").append(i % 20).append(' ');
        }
        p = acceptedAsBefore(claims(",\"scope\":\"" + many + "\",\"roles\":[\"r\",\"r\",\"\",1,\"q\"]"));
        assertThat(p.scopes()).hasSize(20).contains("s0", "s19");
        assertThat(p.roles()).containsExactlyInAnyOrder("r", "q");
    }

    @Test
    void repeatedNamesAreRefusedInHeaderAndClaims() throws Exception {
        assertThat(status("{\"alg\":\"HS256\",\"alg\":\"HS256\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"x\":{\"a\":1,\"a\":2}}", claims(""))).isEqualTo(401);
        assertThat(status(HS256, claims(",\"sub\":\"admin\""))).isEqualTo(401);
        assertThat(status(HS256, claims(",\"\\u0073ub\":\"admin\""))).as("the same name, escaped").isEqualTo(401);
        assertThat(status(HS256, claims(",\"org\":{\"role\":\"user\",\"role\":\"admin\"}"))).isEqualTo(401);
        assertThat(status(HS256, claims(",\"x\":null,\"x\":null"))).isEqualTo(401);
    }

    @Test
    void escapesNulCharactersAndSurrogatePairs() throws Exception {
        Principal p = acceptedAsBefore("{\"iss\":\"https:\\/\\/json.test\",\"sub\":\"\\u0061lice\",\"aud\":\"api\",\"exp\":"
                + (now() + 300) + ",\"nul\":\"a\\u0000b\",\"smile\":\"\\ud83d\\ude00\",\"raw\":\"\ud83d\ude00 \u00e9\"}");
        assertThat(p.subject()).isEqualTo("alice");
        assertThat(p.claims().get("nul")).isEqualTo("a\0b");
        assertThat(p.claims().get("smile")).isEqualTo("\ud83d\ude00");
        assertThat(status(HS256, claims(",\"x\":\"\\ud83d\""))).as("a lone surrogate").isEqualTo(401);
        assertThat(status(HS256, claims(",\"x\":\"\\ude00\""))).isEqualTo(401);
        assertThat(status(HS256, claims(",\"x\":\"\\q\""))).isEqualTo(401);
        // a NUL in the subject reaches the principal but never an upstream header
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"a\\u0000b\",\"aud\":\"api\",\"exp\":" + (now() + 300) + "}"))
                .isEqualTo(200);
        assertThat(SEEN.get().subject()).isEqualTo("a\0b");
        assertThat(fixture.upstream.lastRequest().headers().contains("x-user-id")).isFalse();
    }

    @Test
    void invalidUtf8AndByteOrderMarksAreRefused() throws Exception {
        byte[] header = HS256.getBytes(StandardCharsets.UTF_8);
        String good = claims(",\"x\":\"\u00e9\"");
        assertThat(status(token(header, good.getBytes(StandardCharsets.UTF_8)))).isEqualTo(200);
        byte[] latin1 = good.getBytes(StandardCharsets.ISO_8859_1); // é as one byte: not UTF-8
        assertThat(status(token(header, latin1))).isEqualTo(401);
        byte[] encodedSurrogate = good.replace("\u00e9", "\u20ac").getBytes(StandardCharsets.UTF_8);
        int at = indexOf(encodedSurrogate, (byte) 0xE2);
        encodedSurrogate[at] = (byte) 0xED; // ED 82 AC would be a surrogate half: not UTF-8
        encodedSurrogate[at + 1] = (byte) 0xA0;
        assertThat(status(token(header, encodedSurrogate))).isEqualTo(401);
        byte[] bom = ("\ufeff" + good).getBytes(StandardCharsets.UTF_8);
        assertThat(status(token(header, bom))).isEqualTo(401);
        assertThat(status(token(("\ufeff" + HS256).getBytes(StandardCharsets.UTF_8), good.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(401);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @Test
    void nestingIsBounded() throws Exception {
        int limit = StrictJson.MAX_DEPTH;
        assertThat(status(HS256, claims(",\"deep\":" + "[".repeat(limit) + "]".repeat(limit)))).isEqualTo(200);
        assertThat(status(HS256, claims(",\"deep\":" + "[".repeat(limit + 1) + "]".repeat(limit + 1)))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"deep\":" + "[".repeat(limit + 1) + "]".repeat(limit + 1) + "}", claims("")))
                .isEqualTo(401);
    }

    @Test
    void numbersKeepTheirTypes() throws Exception {
        Principal p = acceptedAsBefore(claims(",\"i\":42,\"negZero\":-0,\"one\":1.0,\"kilo\":1e3,\"frac\":0.25,"
                + "\"big\":99999999999999999999,\"max\":9223372036854775807,\"tiny\":1e-400"));
        assertThat(p.claims().get("i")).isEqualTo(42L);
        assertThat(p.claims().get("negZero")).isEqualTo(0L);
        assertThat(p.claims().get("one")).isEqualTo(1.0d);
        assertThat(p.claims().get("kilo")).isEqualTo(1000.0d);
        assertThat(p.claims().get("big")).isEqualTo(1.0e20d);
        assertThat(fixture.upstream.lastRequest().headers().get("x-big")).isEqualTo("1.0E20");
        assertThat(status(HS256, claims(",\"big\":1e400"))).as("beyond a double").isEqualTo(401);
        assertThat(status(HS256, claims(",\"n\":NaN"))).isEqualTo(401);
        assertThat(status(HS256, claims(",\"n\":01"))).isEqualTo(401);
    }

    @Test
    void timeClaimsAsFractionsExponentsAndStrings() throws Exception {
        long exp = now() + 300;
        String base = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"aud\":\"api\",\"exp\":";
        Principal p = acceptedAsBefore(base + exp + ".75}");
        assertThat(p.claims().get("exp")).isEqualTo(exp); // truncated to whole seconds, a Long, as before
        p = acceptedAsBefore(base + exp + ".0,\"iat\":" + (now() - 5) + ".5,\"nbf\":-0}");
        assertThat(p.claims().get("iat")).isInstanceOf(Long.class);
        assertThat(p.claims().get("nbf")).isEqualTo(0L);
        p = acceptedAsBefore(base + "4.1e9}"); // the year 2099, as an exponent
        assertThat(p.claims().get("exp")).isEqualTo(4_100_000_000L);
        assertThat(status(HS256, base + "1e3}")).as("1970").isEqualTo(401);
        assertThat(status(HS256, base + "-0}")).isEqualTo(401);
        assertThat(status(HS256, base + "1e30}")).as("clamped, then past the range of millis: expired, as before").isEqualTo(401);
        assertThat(status(HS256, base + "\"" + exp + "\"}")).as("a string").isEqualTo(401);
        assertThat(status(HS256, base + "true}")).isEqualTo(401);
        assertThat(status(HS256, base + "null}")).as("no exp, and exp is required").isEqualTo(401);
        assertThat(status(HS256, claims(",\"nbf\":\"0\""))).isEqualTo(401);
    }

    @Test
    void registeredClaimsKeepTheirShapes() throws Exception {
        String rest = ",\"exp\":" + (now() + 300) + "}";
        Principal p = acceptedAsBefore("{\"iss\":\"" + ISSUER + "\",\"sub\":42,\"aud\":[\"api\"]" + rest);
        assertThat(p.subject()).isEqualTo("42");
        assertThat(p.claims().get("aud")).isEqualTo("api"); // a one-entry list became its entry
        p = acceptedAsBefore("{\"iss\":\"" + ISSUER + "\",\"sub\":1e3,\"aud\":[\"other\",\"api\"]" + rest);
        assertThat(p.subject()).isEqualTo("1000.0");
        assertThat(p.claims().get("aud")).isEqualTo(List.of("other", "api"));
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":true,\"aud\":\"api\"" + rest)).isEqualTo(401);
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"a\",\"aud\":[\"api\",1]" + rest)).isEqualTo(401);
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"a\",\"aud\":[\"api\",null]" + rest)).isEqualTo(401);
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"a\",\"aud\":{}" + rest)).isEqualTo(401);
        assertThat(status(HS256, "{\"iss\":[\"" + ISSUER + "\"],\"sub\":\"a\",\"aud\":\"api\"" + rest)).isEqualTo(401);
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"a\",\"aud\":\"api\",\"jti\":1" + rest)).isEqualTo(401);
        assertThat(status(HS256, "{\"iss\":\"" + ISSUER + "\",\"sub\":null,\"aud\":\"api\"" + rest)).as("no subject").isEqualTo(401);
    }

    @Test
    void trailingDataWhitespaceAndTopLevelShape() throws Exception {
        assertThat(status(HS256, " \n\t" + claims("") + "\r\n ")).as("whitespace around").isEqualTo(200);
        assertThat(status(" " + HS256 + "\n", claims(""))).isEqualTo(200);
        assertThat(status(HS256, claims("") + "x")).isEqualTo(401);
        assertThat(status(HS256, claims("") + "{}")).isEqualTo(401);
        assertThat(status(HS256, claims("") + "\u00a0")).isEqualTo(401);
        assertThat(status(HS256 + ",", claims(""))).isEqualTo(401);
        assertThat(status(HS256, "[" + claims("") + "]")).isEqualTo(401);
        assertThat(status(HS256, "\"" + ISSUER + "\"")).isEqualTo(401);
        assertThat(status("[" + HS256 + "]", claims(""))).isEqualTo(401);
        assertThat(status(HS256, claims(",\"x\":1,"))).isEqualTo(401);
        assertThat(status(HS256, claims("/* comment */"))).isEqualTo(401);
    }

    @Test
    void headerRulesAreUnchanged() throws Exception {
        assertThat(status("{\"alg\":\"HS256\"}", claims(""))).as("typ is not required").isEqualTo(200);
        assertThat(status("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"cty\":\"x\",\"kid\":null,\"x5t\":\"abc\",\"x\":{\"y\":[1]}}",
                claims(""))).as("other members are ignored").isEqualTo(200);
        assertThat(status("{\"alg\":\"HS256\",\"crit\":[]}", claims(""))).as("an empty crit").isEqualTo(200);
        assertThat(status("{\"alg\":\"HS256\",\"typ\":1}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"kid\":1}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"crit\":[\"x\"]}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"crit\":\"x\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"b64\":false}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"b64\":\"true\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"b64\":true}", claims(""))).isEqualTo(200);
        assertThat(status("{\"alg\":\"HS256\",\"jku\":\"https://evil.test/jwks\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"x5u\":\"https://evil.test/cert\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"x5c\":[]}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS256\",\"enc\":\"A128GCM\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"none\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"NONE\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"XYZ\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":\"HS384\"}", claims(""))).isEqualTo(401);
        assertThat(status("{\"alg\":null}", claims(""))).isEqualTo(401);
        assertThat(status("{\"typ\":\"JWT\"}", claims(""))).isEqualTo(401);
    }
}
