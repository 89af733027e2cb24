package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.spring.actuate.PortcullisActuatorAutoConfiguration;
import io.portcullis.spring.actuate.PortcullisEndpoint;
import io.portcullis.spring.actuate.PortcullisHealthIndicator;
import io.portcullis.spring.internal.InvalidGatewayPropertyFailureAnalyzer;
import io.portcullis.testing.TestTls;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition and override of the auto-configuration, without a web server (no app route). */
class PortcullisAutoConfigurationTest {
    private static final TestTls TLS = TestTls.shared();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class, PortcullisActuatorAutoConfiguration.class));

    private static String[] httpsListener() {
        return new String[] {
                "portcullis.listeners[0].name=public",
                "portcullis.listeners[0].host=127.0.0.1",
                "portcullis.listeners[0].port=0",
                "portcullis.listeners[0].tls.certificates[0].certificate-chain=" + TLS.chain,
                "portcullis.listeners[0].tls.certificates[0].private-key=" + TLS.key,
                "portcullis.routes[0].path=/api",
                "portcullis.routes[0].upstream.url=http://127.0.0.1:9",
        };
    }

    @Test
    void policyProviderBeansArePolicyTypes() {
        runner.withPropertyValues(httpsListener()).withBean(io.portcullis.gateway.policy.PolicyProvider.class, () ->
                new io.portcullis.gateway.policy.PolicyProvider() {
                    @Override
                    public String type() {
                        return "from-a-bean";
                    }

                    @Override
                    public io.portcullis.gateway.policy.Policy create(io.portcullis.gateway.policy.PolicySpec spec,
                                                                      io.portcullis.gateway.policy.ProviderContext context) {
                        return ctx -> io.portcullis.gateway.policy.Decision.respond(418, "from a bean");
                    }
                }).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    io.portcullis.gateway.GatewayConfig config = io.portcullis.gateway.Gateway.builder()
                            .listener(io.portcullis.gateway.ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                            .route(io.portcullis.gateway.RouteConfig.prefix("/").to("http://127.0.0.1:9")
                                    .policy(io.portcullis.gateway.policy.PolicySpec.of("from-a-bean")).build())
                            .buildConfig();
                    try (io.portcullis.gateway.Gateway g = ctx.getBean(GatewayFactory.class).create(config)) {
                        g.start();
                        try (io.portcullis.testing.RawHttp raw = new io.portcullis.testing.RawHttp("127.0.0.1", g.address("h").getPort())) {
                            assertThat(raw.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(418);
                        }
                    }
                });
    }

    @Test
    void offWithoutListenersOrRoutes() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(PortcullisGateway.class);
            assertThat(ctx).doesNotHaveBean(GatewayFactory.class);
        });
    }

    @Test
    void offWhenDisabledExplicitly() {
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(PortcullisGateway.class));
    }

    @Test
    void offWithoutTheCoreOnTheClassPath() {
        runner.withPropertyValues(httpsListener()).withClassLoader(new FilteredClassLoader(Gateway.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(PortcullisGateway.class));
    }

    @Test
    void startsWithTheContextAndStopsWithIt() {
        AtomicReference<Gateway> running = new AtomicReference<>();
        runner.withPropertyValues(httpsListener()).run(ctx -> {
            PortcullisGateway pg = ctx.getBean(PortcullisGateway.class);
            assertThat(pg.isRunning()).isTrue();
            assertThat(pg.address("public").getPort()).isPositive();
            running.set(pg.gateway());
            GatewayConfig config = pg.gateway().config();
            assertThat(config.listeners()).singleElement().satisfies(l -> {
                assertThat(l.mode()).isEqualTo(ListenerConfig.Mode.HTTPS);
                assertThat(l.tls().certificates().get(0).privateKey()).isEqualTo(TLS.key);
            });
            // no web server in this context: only the configured route
            assertThat(config.routes()).extracting(RouteConfig::id).containsExactly("/api");
        });
        assertThat(running.get().isRunning()).isFalse();
    }

    @Test
    void enabledWithoutListenersIsReportedByPropertyName() {
        runner.withPropertyValues("portcullis.enabled=true").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(invalid(ctx.getStartupFailure()).property()).isEqualTo("portcullis.listeners");
        });
    }

    @Test
    void coreValidationErrorsNameTheProperty() {
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.routes[0].upstream.url=http://a/base")
                .run(ctx -> {
                    InvalidGatewayPropertyException e = invalid(ctx.getStartupFailure());
                    assertThat(e.property()).isEqualTo("portcullis.routes[0].upstream.url");
                    assertThat(e.problem()).contains("has a path");
                });
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.listeners[0].tls.certificates[0].private-key=")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property())
                        .isEqualTo("portcullis.listeners[0].tls.certificates[0].private-key"));
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.listeners[0].tls.protocols=TLSv1.1")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property())
                        .isEqualTo("portcullis.listeners[0].tls.protocols[0]"));
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.listeners[0].max-connections-per-client=-1")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property())
                        .isEqualTo("portcullis.listeners[0].max-connections-per-client"));
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.listeners[0].port=")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property()).isEqualTo("portcullis.listeners[0].port"));
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.trusted-proxies=not-a-cidr")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property()).isEqualTo("portcullis.trusted-proxies[0]"));
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.routes[0].upstream.app=true")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property()).isEqualTo("portcullis.routes[0].upstream.url"));
    }

    @Test
    void policyErrorsAtStartNameTheSetting() {
        runner.withPropertyValues(httpsListener()).withPropertyValues(
                "portcullis.policies[0].type=security-headers",
                "portcullis.policies[0].settings.hstsMaxAgeTypo=1d").run(ctx -> {
                    InvalidGatewayPropertyException e = invalid(ctx.getStartupFailure());
                    assertThat(e.property()).isEqualTo("portcullis.policies[0].settings.hstsMaxAgeTypo");
                    assertThat(e.problem()).contains("unknown setting");
                });
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.routes[0].policies[0].type=no-such-policy")
                .run(ctx -> assertThat(invalid(ctx.getStartupFailure()).property())
                        .isEqualTo("portcullis.routes[0].policies[0].type"));
    }

    @Test
    void failureAnalysisNamesTheProperty() {
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.routes[0].path=api").run(ctx -> {
            FailureAnalysis analysis = new InvalidGatewayPropertyFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Property: portcullis.routes[0].path")
                    .contains("expected: starting with /");
            assertThat(analysis.getAction()).contains("portcullis.routes[0].path");
        });
    }

    @Test
    void nestedPolicySettingsBindAsTheYamlModel() {
        runner.withPropertyValues(httpsListener()).withPropertyValues(
                "portcullis.routes[0].policies[0].type=jwt",
                "portcullis.routes[0].policies[0].settings.issuers[0].issuer=test-issuer",
                "portcullis.routes[0].policies[0].settings.issuers[0].secret=0123456789abcdef0123456789abcdef",
                "portcullis.routes[0].policies[0].settings.scopes[0]=orders:read",
                "portcullis.routes[0].policies[0].settings.scopes[1]=orders:write",
                "portcullis.routes[0].policies[0].settings.claimHeaders.[X-User-Id]=sub",
                "portcullis.routes[0].policies[1].type=rate-limit",
                "portcullis.routes[0].policies[1].settings.requests=5",
                "portcullis.routes[0].policies[1].settings.per=1m").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    List<PolicySpec> specs = ctx.getBean(PortcullisGateway.class).config().routes().get(0).policies();
                    assertThat(specs).extracting(PolicySpec::type).containsExactly("jwt", "rate-limit");
                    Map<String, Object> jwt = specs.get(0).settings();
                    assertThat(jwt.get("issuers")).isEqualTo(List.of(Map.of("issuer", "test-issuer",
                            "secret", "0123456789abcdef0123456789abcdef")));
                    assertThat(jwt.get("scopes")).isEqualTo(List.of("orders:read", "orders:write"));
                    assertThat(jwt.get("claimHeaders")).isEqualTo(Map.of("X-User-Id", "sub"));
                });
    }

    @Test
    void limitsAndTimeoutsKeepCoreDefaultsUnlessSet() {
        runner.withPropertyValues(httpsListener()).withPropertyValues("portcullis.timeouts.drain=3s",
                "portcullis.limits.max-request-body-bytes=1024").run(ctx -> {
                    GatewayConfig c = ctx.getBean(PortcullisGateway.class).config();
                    assertThat(c.timeouts().drain()).hasSeconds(3);
                    assertThat(c.timeouts().idle()).isEqualTo(io.portcullis.gateway.Timeouts.defaults().idle());
                    assertThat(c.limits().maxRequestBodyBytes()).isEqualTo(1024);
                    assertThat(c.limits().maxHeaderCount()).isEqualTo(io.portcullis.gateway.Limits.defaults().maxHeaderCount());
                });
    }

    @Test
    void metersGoToTheApplicationsRegistry() {
        runner.withPropertyValues(httpsListener()).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            assertThat(registry.find("portcullis.tls.certificate.expiry").gauge()).isNotNull();
        });
    }

    @Test
    void customizersAddToTheConfiguration() {
        runner.withPropertyValues(httpsListener()).withUserConfiguration(CustomizerConfig.class).run(ctx ->
                assertThat(ctx.getBean(PortcullisGateway.class).config().routes()).extracting(RouteConfig::id)
                        .containsExactly("/api", "from-code"));
    }

    @Test
    void ownGatewayFactoryReplacesTheDefault() {
        runner.withPropertyValues(httpsListener()).withUserConfiguration(FactoryConfig.class).run(ctx -> {
            assertThat(ctx).getBean(GatewayFactory.class).isSameAs(ctx.getBean(FactoryConfig.class).factory);
            assertThat(ctx.getBean(FactoryConfig.class).made.get()).isSameAs(ctx.getBean(PortcullisGateway.class).gateway());
        });
    }

    @Test
    void ownPortcullisGatewayReplacesTheDefault() {
        runner.withPropertyValues(httpsListener()).withUserConfiguration(OwnLifecycleConfig.class).run(ctx ->
                assertThat(ctx).getBean(PortcullisGateway.class).isSameAs(ctx.getBean("mine")));
    }

    @Test
    void healthIsUpWithListenersAndCertificates() {
        runner.withPropertyValues(httpsListener()).run(ctx -> {
            Health health = ctx.getBean(PortcullisHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get("listeners")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsKey("public");
            assertThat(health.getDetails().get("certificates").toString()).contains("valid=true").contains("CN=localhost");
            ctx.getBean(PortcullisGateway.class).stop();
            assertThat(ctx.getBean(PortcullisHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void healthIndicatorCanBeTurnedOffOrReplaced() {
        runner.withPropertyValues(httpsListener()).withPropertyValues("management.health.portcullis.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(PortcullisHealthIndicator.class));
        runner.withPropertyValues(httpsListener()).withBean("portcullisHealthIndicator", String.class, () -> "mine")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(PortcullisHealthIndicator.class));
    }

    @Test
    void endpointOnlyWhenExposedAndShowsRoutesWithoutSecrets() {
        runner.withPropertyValues(httpsListener()).run(ctx -> assertThat(ctx).doesNotHaveBean(PortcullisEndpoint.class));
        runner.withPropertyValues(httpsListener()).withPropertyValues(
                "management.endpoints.web.exposure.include=portcullis",
                "portcullis.routes[0].policies[0].type=jwt",
                "portcullis.routes[0].policies[0].settings.issuers[0].issuer=test-issuer",
                "portcullis.routes[0].policies[0].settings.issuers[0].secret=0123456789abcdef0123456789abcdef").run(ctx -> {
                    PortcullisEndpoint.GatewayDescriptor d = ctx.getBean(PortcullisEndpoint.class).gateway();
                    assertThat(d.running()).isTrue();
                    assertThat(d.listeners()).singleElement().satisfies(l -> assertThat(l.address()).startsWith("127.0.0.1:"));
                    assertThat(d.routes()).singleElement().satisfies(r -> {
                        assertThat(r.upstream()).isEqualTo("http://127.0.0.1:9");
                        assertThat(r.policies()).containsExactly("jwt");
                    });
                    assertThat(d.toString()).doesNotContain("0123456789abcdef");
                    assertThat(d.clusters()).isEmpty();
                });
        runner.withPropertyValues(httpsListener()).withPropertyValues(
                "management.endpoints.web.exposure.include=portcullis",
                "portcullis.clusters.app.endpoints[0].url=http://127.0.0.1:9",
                "portcullis.clusters.app.endpoints[1].url=http://127.0.0.2:9",
                "portcullis.clusters.app.endpoints[1].weight=3",
                "portcullis.clusters.app.balancing=LEAST_REQUEST",
                "portcullis.routes[1].path=/app",
                "portcullis.routes[1].cluster=app").run(ctx -> {
                    PortcullisEndpoint.GatewayDescriptor d = ctx.getBean(PortcullisEndpoint.class).gateway();
                    assertThat(d.routes()).extracting(PortcullisEndpoint.RouteDescriptor::upstream)
                            .containsExactly("http://127.0.0.1:9", "cluster:app");
                    assertThat(d.clusters()).singleElement().satisfies(c -> {
                        assertThat(c.name()).isEqualTo("app");
                        assertThat(c.balancing()).isEqualTo(io.portcullis.gateway.LoadBalancing.Algorithm.LEAST_REQUEST);
                        assertThat(c.endpoints()).containsExactly(new PortcullisEndpoint.EndpointDescriptor("http://127.0.0.1:9", 1),
                                new PortcullisEndpoint.EndpointDescriptor("http://127.0.0.2:9", 3));
                    });
                });
    }

    @Test
    void actuatorPartsNeedActuatorOnTheClassPath() {
        runner.withPropertyValues(httpsListener()).withPropertyValues("management.endpoints.web.exposure.include=portcullis")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).hasSingleBean(PortcullisGateway.class);
                    assertThat(ctx).doesNotHaveBean(PortcullisEndpoint.class);
                    assertThat(ctx).doesNotHaveBean(PortcullisHealthIndicator.class);
                });
    }

    private static InvalidGatewayPropertyException invalid(Throwable failure) {
        Throwable t = failure;
        while (t != null && !(t instanceof InvalidGatewayPropertyException)) {
            t = t.getCause();
        }
        assertThat(t).as("startup failure %s", failure).isNotNull();
        return (InvalidGatewayPropertyException) t;
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfig {
        @Bean
        GatewayConfigCustomizer extraRoute() {
            return b -> b.route(RouteConfig.prefix("/other").id("from-code").to("http://127.0.0.1:9").build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FactoryConfig {
        final AtomicReference<Gateway> made = new AtomicReference<>();
        final GatewayFactory factory = config -> {
            Gateway g = Gateway.builder().config(config).nioTransport(true).build();
            made.set(g);
            return g;
        };

        @Bean
        GatewayFactory myFactory() {
            return factory;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnLifecycleConfig {
        @Bean
        PortcullisGateway mine(PortcullisProperties properties, GatewayFactory factory,
                               org.springframework.context.ApplicationContext context) {
            return new PortcullisGateway(properties, factory, List.of(), context);
        }
    }
}
