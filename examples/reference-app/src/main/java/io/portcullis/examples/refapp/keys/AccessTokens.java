package io.portcullis.examples.refapp.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.examples.refapp.RefAppProperties;
import io.portcullis.examples.refapp.users.Role;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Issues and verifies the RS256 access tokens: {@code iss}, {@code aud}, {@code sub} (user id),
 * {@code roles}, {@code scope}, {@code sid} (session), {@code exp}, {@code iat}, {@code jti}; the
 * header carries {@code kid} and {@code typ: at+jwt} (RFC 9068).
 */
@Service
public class AccessTokens {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final SigningKeys keys;
    private final Clock clock;
    private final String issuer;
    private final String audience;
    private final Duration ttl;

    /** What a verified token says. */
    public record Claims(String subject, Set<String> roles, Set<String> scopes, String sessionId, String jwtId,
                         Instant expiresAt) {
    }

    /** A signed token and when it expires. */
    public record Issued(String token, Instant expiresAt, String keyId) {
    }

    public AccessTokens(SigningKeys keys, Clock clock, RefAppProperties properties) {
        this.keys = keys;
        this.clock = clock;
        this.issuer = properties.tokens().issuer();
        this.audience = properties.tokens().audience();
        this.ttl = properties.tokens().accessTtl();
    }

    public Issued issue(String userId, Set<Role> roles, String sessionId) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        RSAKey key = keys.active();
        List<String> roleIds = roles.stream().map(Role::id).sorted().toList();
        String scope = roles.contains(Role.ADMIN) ? "api:read api:write admin" : "api:read api:write";
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(userId)
                .claim("roles", roleIds)
                .claim("scope", scope)
                .claim("sid", sessionId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(AT_JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return new Issued(jwt.serialize(), exp, key.getKeyID());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
    }

    /** The claims of a valid access token ({@code typ: at+jwt}) of this issuer and audience; empty for anything else. */
    public Optional<Claims> verify(String token) {
        if (token == null || token.length() > 8192) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || !AT_JWT.equals(header.getType()) || header.getKeyID() == null
                    || header.getJWKURL() != null || header.getJWK() != null || header.getX509CertURL() != null
                    || header.getX509CertChain() != null || header.getCriticalParams() != null) {
                return Optional.empty();
            }
            Optional<RSAKey> key = keys.publicKey(header.getKeyID());
            if (key.isEmpty() || !jwt.verify(new RSASSAVerifier(key.get()))) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            Date exp = c.getExpirationTime();
            Date iat = c.getIssueTime();
            if (!issuer.equals(c.getIssuer()) || c.getAudience() == null || !c.getAudience().contains(audience)
                    || exp == null || !exp.toInstant().plus(SigningKeys.CLOCK_SKEW).isAfter(now)
                    || (iat != null && iat.toInstant().isAfter(now.plus(SigningKeys.CLOCK_SKEW)))
                    || c.getSubject() == null || c.getStringClaim("sid") == null) {
                return Optional.empty();
            }
            List<String> roles = c.getStringListClaim("roles");
            String scope = c.getStringClaim("scope");
            return Optional.of(new Claims(c.getSubject(), roles == null ? Set.of() : Set.copyOf(roles),
                    scope == null ? Set.of() : Set.of(scope.split(" ")), c.getStringClaim("sid"), c.getJWTID(),
                    exp.toInstant()));
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
