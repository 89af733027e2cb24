package io.portcullis.spring;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testing.TestTls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** The properties of the embedded gateway in the end-to-end tests, and a token for its jwt policy. */
final class GatewayTestSupport {
    static final String ISSUER = "test-issuer";
    static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";

    private GatewayTestSupport() {
    }

    /** HTTPS on a free loopback port, security headers everywhere, JWT on /api, 2 requests an hour on /limited. */
    static List<String> properties() {
        TestTls tls = TestTls.shared();
        List<String> p = new ArrayList<>(List.of(
                "server.address=127.0.0.1",
                "portcullis.listeners[0].name=public",
                "portcullis.listeners[0].host=127.0.0.1",
                "portcullis.listeners[0].port=0",
                "portcullis.listeners[0].tls.certificates[0].certificate-chain=" + tls.chain,
                "portcullis.listeners[0].tls.certificates[0].private-key=" + tls.key,
                "portcullis.timeouts.drain=5s",
                "portcullis.policies[0].type=security-headers",
                "portcullis.routes[0].id=api",
                "portcullis.routes[0].path=/api",
                "portcullis.routes[0].upstream.app=true",
                "portcullis.routes[0].policies[0].type=jwt",
                "portcullis.routes[0].policies[0].settings.issuers[0].issuer=" + ISSUER,
                "portcullis.routes[0].policies[0].settings.issuers[0].secret=" + SECRET,
                "portcullis.routes[0].policies[0].settings.claimHeaders.[X-User-Id]=sub",
                "portcullis.routes[1].id=limited",
                "portcullis.routes[1].path=/limited",
                "portcullis.routes[1].upstream.app=true",
                "portcullis.routes[1].policies[0].type=rate-limit",
                "portcullis.routes[1].policies[0].settings.requests=2",
                "portcullis.routes[1].policies[0].settings.per=1h",
                "management.endpoints.web.exposure.include=health,portcullis",
                "management.endpoint.health.show-details=always",
                // Spring Data Redis is on the test class path (for the Redis defaults): its health is not this test's
                "management.health.redis.enabled=false"));
        return p;
    }

    static String token(String subject) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject)
                .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
