package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.TestTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/** The YAML of docs/spring-boot.md binds to the model the standalone server's YAML gives. */
class YamlPropertiesTest {

    private static final String YAML = """
            portcullis:
              listeners:
                - name: public
                  host: 127.0.0.1
                  port: 0
                  tls:
                    certificates:
                      - certificate-chain: %s
                        private-key: %s
              trusted-proxies: [10.0.0.0/8]
              policies:
                - type: security-headers
              routes:
                - id: api
                  path: /api
                  upstream:
                    url: http://127.0.0.1:9
                  policies:
                    - type: jwt
                      settings:
                        issuers:
                          - issuer: internal
                            secret: 0123456789abcdef0123456789abcdef
                        scopes: [orders:read]
                        claimHeaders: {X-User-Id: sub}
                    - type: rate-limit
                      settings: {requests: 100, per: 1m}
                - id: search
                  path: /search
                  upstream:
                    url: http://127.0.0.1:9200
                  rewrite: STRIP_PREFIX
            """;

    @Test
    void docsExampleBinds() {
        TestTls tls = TestTls.shared();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
                .withInitializer(ctx -> load(String.format(YAML, tls.chain, tls.key))
                        .forEach(ps -> ctx.getEnvironment().getPropertySources().addFirst(ps)))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    GatewayConfig c = ctx.getBean(PortcullisGateway.class).gateway().config();
                    assertThat(c.trustedProxies()).containsExactly("10.0.0.0/8");
                    assertThat(c.routes()).extracting(RouteConfig::id).containsExactly("api", "search");
                    assertThat(c.routes().get(1).rewrite()).isEqualTo(RouteConfig.Rewrite.STRIP_PREFIX);
                    Map<String, Object> jwt = c.routes().get(0).policies().get(0).settings();
                    assertThat(jwt.get("issuers")).isEqualTo(List.of(Map.of("issuer", "internal",
                            "secret", "0123456789abcdef0123456789abcdef")));
                    assertThat(jwt.get("scopes")).isEqualTo(List.of("orders:read"));
                    assertThat(jwt.get("claimHeaders")).isEqualTo(Map.of("X-User-Id", "sub"));
                });
    }

    private static List<PropertySource<?>> load(String yaml) {
        try {
            return new YamlPropertySourceLoader().load("test.yaml",
                    new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
