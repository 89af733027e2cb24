package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.GatewayFixture;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A later policy uses the principal the jwt policy established: rate limits per subject and per tenant claim. */
class JwtPrincipalKeyedLimitTest {
    static final String SECRET = "another-secret-that-is-32-bytes-long!";
    static final TestKeys HMAC = TestKeys.hmac(SECRET);

    private static String token(String subject, String tenant) {
        return HMAC.token(new JWTClaimsSet.Builder().issuer("svc").subject(subject).claim("tenant", tenant)
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    }

    @Test
    void limitsKeyedBySubjectAndByClaim() throws Exception {
        Map<String, Object> jwt = Map.of("issuers", List.of(Map.of("issuer", "svc", "secret", SECRET)));
        try (GatewayFixture f = GatewayFixture.start(up -> Gateway.builder()
                .route(RouteConfig.prefix("/user").to(up.url()).policy(PolicySpec.of("jwt", jwt))
                        .policy(PolicySpec.of("rate-limit", Map.of("requests", 1, "per", "1h", "key", "principal"))).build())
                .route(RouteConfig.prefix("/tenant").to(up.url()).policy(PolicySpec.of("jwt", jwt))
                        .policy(PolicySpec.of("rate-limit", Map.of("requests", 1, "per", "1h", "key", "claim:tenant"))).build()))) {
            assertThat(status(f, "/user/x", token("ann", "acme"))).isEqualTo(200);
            assertThat(status(f, "/user/x", token("ann", "acme"))).isEqualTo(429);
            assertThat(status(f, "/user/x", token("bob", "acme"))).as("same IP, other subject").isEqualTo(200);

            assertThat(status(f, "/tenant/x", token("ann", "acme"))).isEqualTo(200);
            assertThat(status(f, "/tenant/x", token("bob", "acme"))).as("same tenant").isEqualTo(429);
            assertThat(status(f, "/tenant/x", token("cid", "globex"))).isEqualTo(200);
        }
    }

    private static int status(GatewayFixture f, String path, String token) throws Exception {
        return f.exchange("GET " + path + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n").status();
    }
}
