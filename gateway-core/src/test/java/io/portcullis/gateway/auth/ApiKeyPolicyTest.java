package io.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API keys through a real gateway: Argon2id and HMAC hashes, expiry, uniform 401, the verification cache. */
class ApiKeyPolicyTest {
    static final String PEPPER = "server-side-pepper-for-tests";
    static final String ARGON_KEY = ApiKeys.newKey("ci");
    static final String HMAC_KEY = ApiKeys.newKey("svc");
    static final String EXPIRED_KEY = ApiKeys.newKey("old");
    static GatewayFixture fixture;
    static TestUpstream upstream;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .route(RouteConfig.prefix("/").to(up.url())
                        .policy(PolicySpec.of("api-key", Map.of(
                                "pepper", PEPPER,
                                "keys", List.of(
                                        Map.of("id", "ci", "owner", "build-bot", "hash", ApiKeys.argon2Hash(ARGON_KEY),
                                                "scopes", List.of("deploy")),
                                        Map.of("id", "svc", "owner", "billing",
                                                "hash", ApiKeys.hmacHash(HMAC_KEY, PEPPER.getBytes(StandardCharsets.UTF_8))),
                                        Map.of("id", "old", "hash", ApiKeys.hmacHash(EXPIRED_KEY, PEPPER.getBytes(StandardCharsets.UTF_8)),
                                                "expires", "2020-01-01T00:00:00Z")))))
                        .policy(PolicySpec.of("test-forward-user"))
                        .build())
                .meterRegistry(meters));
        upstream = fixture.upstream;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static RawHttp.Result get(String keyHeader) throws Exception {
        return fixture.exchange("GET /echo HTTP/1.1\r\nHost: a\r\n"
                + (keyHeader == null ? "" : "X-API-Key: " + keyHeader + "\r\n") + "\r\n");
    }

    private static double count(String result) {
        var c = meters.find("portcullis.auth.apikey").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void argon2Key_isVerifiedOffTheLoop_thenServedFromTheCache() throws Exception {
        double argonBefore = count("argon2");
        RawHttp.Result r = get(ARGON_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("x-user-id: build-bot\n").doesNotContain("x-api-key");
        assertThat(count("argon2")).isEqualTo(argonBefore + 1);
        double cachedBefore = count("cached");
        for (int i = 0; i < 3; i++) {
            assertThat(get(ARGON_KEY).status()).isEqualTo(200);
        }
        assertThat(count("argon2")).as("no Argon2 for a cached key").isEqualTo(argonBefore + 1);
        assertThat(count("cached")).isEqualTo(cachedBefore + 3);
    }

    @Test
    void hmacKey_isAccepted() throws Exception {
        RawHttp.Result r = get(HMAC_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("x-user-id: billing\n");
    }

    @Test
    void badKeys_allGetTheSame401() throws Exception {
        String wrongSecret = ARGON_KEY.substring(0, ARGON_KEY.length() - 2) + "xx";
        for (String bad : new String[] {null, "nonsense", "nobody.secret", wrongSecret, EXPIRED_KEY, HMAC_KEY + "x"}) {
            RawHttp.Result r = get(bad);
            assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(401);
            assertThat(r.header("www-authenticate")).isEqualTo("ApiKey header=\"x-api-key\"");
            assertThat(r.body()).contains("a valid API key is required");
        }
    }

    @Test
    void configErrors_nameTheField() {
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to(upstream.url()).policy(PolicySpec.of("api-key", Map.of(
                        "keys", List.of(Map.of("id", "a", "hash", "hmac-sha256:AAAA")))))
                        .build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routes[0].policies[0].settings.pepper: missing");
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to(upstream.url()).policy(PolicySpec.of("api-key", Map.of(
                        "keys", List.of(Map.of("id", "a", "hash", "$argon2id$x", "scope", "typo")))))
                        .build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routes[0].policies[0].settings.keys[0].scope: unknown setting");
    }
}
