package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad jwt settings fail the build with the field that is wrong. */
class JwtConfigTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static void assertRejected(Map<String, ?> settings, String message) {
        assertThatThrownBy(() -> Gateway.builder()
                .listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:1").policy(PolicySpec.of("jwt", settings)).build())
                .build().close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    private static Map<String, Object> issuer(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("issuer", "https://idp.test");
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void issuersAndKeySourcesAreRequired() {
        assertRejected(Map.of(), "routes[0].policies[0].settings.issuers: missing");
        assertRejected(Map.of("issuers", List.of(Map.of("jwksUrl", "https://idp.test/jwks"))), "settings.issuers[0].issuer: missing");
        assertRejected(Map.of("issuers", List.of(issuer())), "settings.issuers[0].jwksUrl: missing");
        assertRejected(Map.of("issuers", List.of(issuer("jwksUrl", "https://idp.test/jwks", "secret", SECRET))),
                "several key sources");
        assertRejected(Map.of("issuers", List.of(issuer("jwksUrl", "ftp://idp.test/jwks"))), "expected: an http(s) URL");
        assertRejected(Map.of("issuers", List.of(issuer("secret", SECRET), issuer("secret", SECRET))),
                "settings.issuers[1].issuer: 'https://idp.test' is listed twice");
    }

    @Test
    void algorithmFamiliesCannotBeMixed() {
        assertRejected(Map.of("issuers", List.of(issuer("jwksUrl", "https://idp.test/jwks", "algorithms", List.of("RS256", "HS256")))),
                "settings.issuers[0].algorithms[1]: 'HS256' needs a secret");
        assertRejected(Map.of("issuers", List.of(issuer("secret", SECRET, "algorithms", List.of("RS256")))),
                "settings.issuers[0].algorithms[0]: 'RS256' with a secret");
        assertRejected(Map.of("issuers", List.of(issuer("secret", SECRET, "algorithms", List.of("none")))),
                "settings.issuers[0].algorithms[0]: 'none'");
    }

    @Test
    void secretsMustBeLongEnough() {
        assertRejected(Map.of("issuers", List.of(issuer("secret", "short"))), "settings.issuers[0].secret: 5 bytes (expected: at least 32");
        assertRejected(Map.of("issuers", List.of(issuer("secret", SECRET, "algorithms", List.of("HS512")))),
                "at least 64 random bytes");
    }

    @Test
    void localKeyFilesAreCheckedAtStart(@TempDir Path dir) throws Exception {
        assertRejected(Map.of("issuers", List.of(issuer("publicKeys", List.of(dir.resolve("missing.pem").toString())))),
                "settings.issuers[0].publicKeys[0]");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + "A".repeat(43) + "\"}]}");
        assertRejected(Map.of("issuers", List.of(issuer("jwksFile", jwks.toString()))),
                "settings.issuers[0].jwksFile: " + jwks + ": no usable signature key among 1");
    }

    @Test
    void otherSettingsAreValidated() {
        List<Map<String, Object>> ok = List.of(issuer("secret", SECRET));
        assertRejected(Map.of("issuers", ok, "scopesMatch", "some"), "settings.scopesMatch: 'some' (expected: all or any)");
        assertRejected(Map.of("issuers", ok, "bearer", false), "settings.bearer: false without a cookie");
        assertRejected(Map.of("issuers", ok, "claimHeaders", Map.of("Host", "sub")), "settings.claimHeaders.Host");
        assertRejected(Map.of("issuers", ok, "maxTokenBytes", 10), "settings.maxTokenBytes: 10 (expected: 256-65536)");
        assertRejected(Map.of("issuers", ok, "audience", "x"), "settings.audience: unknown setting");
        assertRejected(Map.of("issuers", List.of(issuer("secret", SECRET, "audience", "x"))),
                "settings.issuers[0].audience: unknown setting");
    }
}
