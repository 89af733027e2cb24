package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.gateway.jwt.JwtKeySource;
import io.portcullis.gateway.jwt.JwtProvider;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@link JwtKeySource} beans as the keys of a {@code jwt} policy's issuer ({@code keySource: <bean name>}). */
class JwtKeySourceBeanTest {
    private static final String ISSUER = "https://idp.example";
    private static TestUpstream upstream;
    private static ECKey key;
    private static ECKey otherKey;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
            .withPropertyValues(
                    "portcullis.listeners[0].name=http",
                    "portcullis.listeners[0].host=127.0.0.1",
                    "portcullis.listeners[0].port=0",
                    "portcullis.listeners[0].mode=HTTP",
                    "portcullis.routes[0].path=/",
                    "portcullis.routes[0].upstream.url=${test.upstream}",
                    "portcullis.routes[0].policies[0].type=jwt",
                    "portcullis.routes[0].policies[0].settings.issuers[0].issuer=" + ISSUER,
                    "portcullis.routes[0].policies[0].settings.issuers[0].keySource=idpKeys");

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.start();
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        otherKey = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    private static String token(ECKey signer) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice")
                .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(signer));
        return jwt.serialize();
    }

    private static int get(PortcullisGateway gateway, String token) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", gateway.address("http").getPort())) {
            return raw.send("GET /echo HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n").readResponse().status();
        }
    }

    @Test
    void anIssuerUsesTheKeysOfTheBeanItNames() {
        runner.withPropertyValues("test.upstream=" + upstream.url())
                .withBean("idpKeys", JwtKeySource.class, () -> () -> new JWKSet(key.toPublicJWK()))
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(JwtProvider.class);
                    PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
                    assertThat(get(gateway, token(key))).isEqualTo(200);
                    assertThat(get(gateway, token(otherKey))).isEqualTo(401);
                });
    }

    @Test
    void aNameNoBeanHasFailsTheStartWithThePropertyName() {
        runner.withPropertyValues("test.upstream=" + upstream.url())
                .withBean("otherKeys", JwtKeySource.class, () -> () -> new JWKSet(key.toPublicJWK()))
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining(InvalidGatewayPropertyException.class.getName())
                            .hasStackTraceContaining("portcullis.routes[0].policies[0].settings.issuers[0].keySource")
                            .hasStackTraceContaining("'idpKeys' is not a key source given in code (known: otherKeys)");
                });
    }

    @Test
    void theAppsOwnJwtProviderWins() {
        JwtProvider own = new JwtProvider(Map.of("idpKeys", () -> new JWKSet(otherKey.toPublicJWK())));
        runner.withPropertyValues("test.upstream=" + upstream.url())
                .withBean("idpKeys", JwtKeySource.class, () -> () -> new JWKSet(key.toPublicJWK()))
                .withBean(JwtProvider.class, () -> own)
                .run(ctx -> {
                    assertThat(ctx).getBean(JwtProvider.class).isSameAs(own);
                    PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
                    assertThat(get(gateway, token(otherKey))).isEqualTo(200);
                    assertThat(get(gateway, token(key))).isEqualTo(401);
                });
    }

    @Test
    void withoutKeySourceBeansTheBuiltInStays() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
                .withPropertyValues("portcullis.listeners[0].port=0", "portcullis.listeners[0].mode=HTTP",
                        "portcullis.listeners[0].host=127.0.0.1")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(JwtProvider.class));
    }
}
