package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.CompressionConfig;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.spring.internal.GatewayConfigMapper;
import io.portcullis.testing.TestTls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code portcullis.clusters}, the routes' cluster, timeouts, WebSocket and compression properties,
 * {@code portcullis.compression} and {@code timeouts.websocket-idle}: bound by Spring into the core
 * model, and their errors reported by property name.
 */
class ClusterAndRoutePropertiesTest {
    private static final TestTls TLS = TestTls.shared();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
            .withPropertyValues(
                    "portcullis.listeners[0].name=public",
                    "portcullis.listeners[0].host=127.0.0.1",
                    "portcullis.listeners[0].port=0",
                    "portcullis.listeners[0].tls.certificates[0].certificate-chain=" + TLS.chain,
                    "portcullis.listeners[0].tls.certificates[0].private-key=" + TLS.key);

    private static String[] clusterRoute() {
        return new String[] {
                "portcullis.clusters.app.endpoints[0].url=http://127.0.0.1:9",
                "portcullis.clusters.app.endpoints[1].url=http://127.0.0.2:9",
                "portcullis.routes[0].id=api",
                "portcullis.routes[0].path=/api",
                "portcullis.routes[0].cluster=app",
        };
    }

    @Test
    void everyClusterPropertyReachesTheCoreModel() {
        runner.withPropertyValues(
                "portcullis.clusters.app.endpoints[0].url=https://127.0.0.1:9443",
                "portcullis.clusters.app.endpoints[0].weight=3",
                "portcullis.clusters.app.endpoints[1].url=https://127.0.0.2:9443",
                "portcullis.clusters.app.balancing=hash",
                "portcullis.clusters.app.hash-key=header:X-Tenant",
                "portcullis.clusters.app.pool.max-connections-per-endpoint=16",
                "portcullis.clusters.app.pool.max-pending-requests=8",
                "portcullis.clusters.app.pool.idle-timeout=5s",
                "portcullis.clusters.app.pool.max-requests-per-connection=100",
                "portcullis.clusters.app.passive-health.consecutive-failures=2",
                "portcullis.clusters.app.passive-health.base-ejection-time=1s",
                "portcullis.clusters.app.passive-health.max-ejection-time=20s",
                "portcullis.clusters.app.passive-health.max-ejection-percent=30",
                "portcullis.clusters.app.active-health.path=/health",
                "portcullis.clusters.app.active-health.interval=3s",
                "portcullis.clusters.app.active-health.timeout=500ms",
                "portcullis.clusters.app.active-health.healthy-threshold=1",
                "portcullis.clusters.app.active-health.unhealthy-threshold=4",
                "portcullis.clusters.app.active-health.expected-status-min=200",
                "portcullis.clusters.app.active-health.expected-status-max=204",
                "portcullis.clusters.app.retries.max-retries=1",
                "portcullis.clusters.app.retries.budget-percent=10",
                "portcullis.clusters.app.retries.min-retries-per-second=0",
                "portcullis.clusters.app.connect-timeout=2s",
                "portcullis.clusters.app.response-timeout=7s",
                "portcullis.clusters.app.trusted-certificates=" + TLS.chain,
                "portcullis.clusters.app.preserve-host=false",
                "portcullis.clusters.app.client-certificate.certificate-chain=" + TLS.chain,
                "portcullis.clusters.app.client-certificate.private-key=" + TLS.key,
                "portcullis.clusters.app.protocol=h2",
                "portcullis.clusters.app.sni=app.internal.example",
                "portcullis.clusters.other.endpoints[0].url=http://127.0.0.1:10",
                "portcullis.routes[0].path=/api",
                "portcullis.routes[0].cluster=app",
                "portcullis.routes[0].upstream-connect-timeout=1s",
                "portcullis.routes[0].upstream-response-timeout=3s",
                "portcullis.routes[1].path=/other",
                "portcullis.routes[1].cluster=other").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    GatewayConfig config = ctx.getBean(PortcullisGateway.class).config();
                    assertThat(config.clusters()).extracting(ClusterConfig::name).containsExactly("app", "other");
                    ClusterConfig app = config.clusters().get(0);
                    assertThat(app.endpoints()).extracting(e -> e.url().toString(), e -> e.weight())
                            .containsExactly(org.assertj.core.groups.Tuple.tuple("https://127.0.0.1:9443", 3),
                                    org.assertj.core.groups.Tuple.tuple("https://127.0.0.2:9443", 1));
                    assertThat(app.balancing()).isEqualTo(LoadBalancing.hash("header:X-Tenant"));
                    assertThat(app.pool()).isEqualTo(new io.portcullis.gateway.PoolLimits(16, 8, Duration.ofSeconds(5), 100));
                    assertThat(app.passiveHealth()).isEqualTo(new io.portcullis.gateway.PassiveHealth(2, Duration.ofSeconds(1),
                            Duration.ofSeconds(20), 30));
                    assertThat(app.activeHealth()).isEqualTo(new io.portcullis.gateway.ActiveHealthCheck("/health",
                            Duration.ofSeconds(3), Duration.ofMillis(500), 1, 4, 200, 204));
                    assertThat(app.retries()).isEqualTo(new io.portcullis.gateway.RetryPolicy(1, 10, 0));
                    assertThat(app.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(app.responseTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(app.trustedCertificates()).isEqualTo(TLS.chain);
                    assertThat(app.preserveHost()).isFalse();
                    assertThat(app.clientCertificate().privateKey()).isEqualTo(TLS.key);
                    assertThat(app.protocol()).isEqualTo(ClusterConfig.Protocol.H2);
                    assertThat(app.sni()).isEqualTo("app.internal.example");
                    // unset parts keep the core's defaults
                    ClusterConfig other = config.clusters().get(1);
                    assertThat(other).isEqualTo(ClusterConfig.builder("other").endpoint("http://127.0.0.1:10").build());
                    RouteConfig api = config.routes().get(0);
                    assertThat(api.cluster()).isEqualTo("app");
                    assertThat(api.upstream()).isNull();
                    assertThat(api.upstreamConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(api.upstreamResponseTimeout()).isEqualTo(Duration.ofSeconds(3));
                });
    }

    @Test
    void endpointsMayBeGivenAsPlainUrlsAsInTheYamlShorthand() {
        runner.withPropertyValues(
                "portcullis.clusters.list.endpoints=http://127.0.0.1:9,http://127.0.0.2:9",
                "portcullis.clusters.indexed.endpoints[0]=http://127.0.0.1:10",
                "portcullis.clusters.indexed.endpoints[1].url=http://127.0.0.2:10",
                "portcullis.clusters.indexed.endpoints[1].weight=4",
                "portcullis.routes[0].path=/a",
                "portcullis.routes[0].cluster=list",
                "portcullis.routes[1].path=/b",
                "portcullis.routes[1].cluster=indexed").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    List<ClusterConfig> clusters = ctx.getBean(PortcullisGateway.class).config().clusters();
                    assertThat(clusters.get(0).endpoints()).extracting(e -> e.url().toString(), e -> e.weight())
                            .containsExactly(org.assertj.core.groups.Tuple.tuple("http://127.0.0.1:9", 1),
                                    org.assertj.core.groups.Tuple.tuple("http://127.0.0.2:9", 1));
                    assertThat(clusters.get(1).endpoints()).extracting(e -> e.url().toString(), e -> e.weight())
                            .containsExactly(org.assertj.core.groups.Tuple.tuple("http://127.0.0.1:10", 1),
                                    org.assertj.core.groups.Tuple.tuple("http://127.0.0.2:10", 4));
                });
    }

    @Test
    void anUpstreamMayBeAPlainUrlAsInTheYamlShorthand() {
        runner.withPropertyValues("portcullis.routes[0].path=/search", "portcullis.routes[0].upstream=http://127.0.0.1:9200")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RouteConfig r = ctx.getBean(PortcullisGateway.class).config().routes().get(0);
                    assertThat(r.upstream().url()).isEqualTo(URI.create("http://127.0.0.1:9200"));
                    assertThat(r.upstream().preserveHost()).isTrue();
                });
    }

    @Test
    void compressionWebsocketAndWebsocketIdle() {
        runner.withPropertyValues(clusterRoute()).withPropertyValues(
                "portcullis.compression.min-size=64",
                "portcullis.compression.types=application/json,text/*",
                "portcullis.compression.level=7",
                "portcullis.routes[0].websocket=false",
                "portcullis.routes[0].compression.enabled=false",
                "portcullis.routes[1].path=/plain",
                "portcullis.routes[1].upstream.url=http://127.0.0.1:9",
                "portcullis.timeouts.websocket-idle=90s").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    GatewayConfig config = ctx.getBean(PortcullisGateway.class).config();
                    // writing the block turns it on, as in the YAML
                    assertThat(config.compression()).isEqualTo(new CompressionConfig(true, 64,
                            List.of("application/json", "text/*"), 7));
                    assertThat(config.routes().get(0).websocket()).isFalse();
                    assertThat(config.routes().get(0).compression().enabled()).isFalse();
                    assertThat(config.routes().get(1).websocket()).isTrue();
                    assertThat(config.routes().get(1).compression()).isNull(); // the gateway's
                    assertThat(config.timeouts().websocketIdle()).isEqualTo(Duration.ofSeconds(90));
                });
        runner.withPropertyValues(clusterRoute()).run(ctx -> {
            GatewayConfig config = ctx.getBean(PortcullisGateway.class).config();
            assertThat(config.compression()).isEqualTo(CompressionConfig.disabled());
            assertThat(config.timeouts().websocketIdle()).isEqualTo(io.portcullis.gateway.Timeouts.defaults().websocketIdle());
        });
    }

    @Test
    void theAppRouteTakesTimeoutsWebsocketAndCompression() {
        PortcullisProperties p = new Binder(new MapConfigurationPropertySource(Map.of(
                "portcullis.app.websocket", "false",
                "portcullis.app.upstream-connect-timeout", "1s",
                "portcullis.app.upstream-response-timeout", "2m",
                "portcullis.app.compression.types[0]", "application/json",
                "portcullis.listeners[0].port", "0",
                "portcullis.listeners[0].mode", "HTTP")))
                .bind("portcullis", PortcullisProperties.class).get();
        RouteConfig app = GatewayConfigMapper.toConfig(p, 8080, List.of()).routes().get(0);
        assertThat(app.id()).isEqualTo("app");
        assertThat(app.upstream().url()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(app.websocket()).isFalse();
        assertThat(app.upstreamConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(app.upstreamResponseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(app.compression()).isEqualTo(CompressionConfig.gzip().withTypes(List.of("application/json")));
    }

    @Test
    void errorsNameTheProperty() {
        assertInvalid("portcullis.clusters.app.endpoints[1].url", "has a path", "portcullis.clusters.app.endpoints[1].url=http://a:1/base");
        assertInvalid("portcullis.clusters.app.endpoints[1].url", "listed twice", "portcullis.clusters.app.endpoints[1].url=http://127.0.0.1:9");
        assertInvalid("portcullis.clusters.app.endpoints[0].weight", "1-1000", "portcullis.clusters.app.endpoints[0].weight=0");
        assertInvalid("portcullis.clusters.app.hash-key", "missing", "portcullis.clusters.app.balancing=HASH");
        assertInvalid("portcullis.clusters.app.pool.max-connections-per-endpoint", ">= 1",
                "portcullis.clusters.app.pool.max-connections-per-endpoint=0");
        assertInvalid("portcullis.clusters.app.passive-health.max-ejection-time", ">= baseEjectionTime",
                "portcullis.clusters.app.passive-health.base-ejection-time=1m", "portcullis.clusters.app.passive-health.max-ejection-time=1s");
        assertInvalid("portcullis.clusters.app.active-health.path", "missing",
                "portcullis.clusters.app.active-health.interval=1s");
        assertInvalid("portcullis.clusters.app.retries.max-retries", "0-10", "portcullis.clusters.app.retries.max-retries=11");
        assertInvalid("portcullis.clusters.app.trusted-certificates", "no endpoint is https",
                "portcullis.clusters.app.trusted-certificates=" + TLS.chain);
        // a cluster name is a map key: kept as written
        assertInvalid("portcullis.clusters.myApp.endpoints[0].url", "scheme", "portcullis.clusters.myApp.endpoints[0].url=ftp://x");
        assertInvalid("portcullis.routes[0].cluster", "not a defined cluster", "portcullis.routes[0].cluster=nope");
        assertInvalid("portcullis.routes[0].cluster", "set together with upstream", "portcullis.routes[0].upstream.url=http://127.0.0.1:9");
        assertInvalid("portcullis.routes[0].upstream-response-timeout", "> 0", "portcullis.routes[0].upstream-response-timeout=0s");
        assertInvalid("portcullis.routes[0].compression.types[0]", "media type", "portcullis.routes[0].compression.types=Text/Plain");
        assertInvalid("portcullis.compression.level", "1 to 9", "portcullis.compression.level=12");
        assertInvalid("portcullis.timeouts.websocket-idle", "", "portcullis.timeouts.websocket-idle=0s");
    }

    private void assertInvalid(String property, String problem, String... values) {
        runner.withPropertyValues(clusterRoute()).withPropertyValues(values).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable t = ctx.getStartupFailure();
            while (t != null && !(t instanceof InvalidGatewayPropertyException)) {
                t = t.getCause();
            }
            assertThat(t).as("startup failure %s", ctx.getStartupFailure()).isNotNull();
            InvalidGatewayPropertyException e = (InvalidGatewayPropertyException) t;
            assertThat(e.property()).as(e.getMessage()).isEqualTo(property);
            assertThat(e.problem()).contains(problem);
        });
    }
}
