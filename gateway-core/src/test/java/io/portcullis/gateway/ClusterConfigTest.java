package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of clusters and of routes that refer to them. */
class ClusterConfigTest {

    private static ClusterConfig web() {
        return ClusterConfig.builder("web").endpoint("http://10.0.0.1:8080").endpoint("http://10.0.0.2:8080", 3).build();
    }

    private static ConfigException fails(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaults_areSafe() {
        ClusterConfig c = web();
        assertThat(c.balancing().algorithm()).isEqualTo(LoadBalancing.Algorithm.ROUND_ROBIN);
        assertThat(c.pool().maxConnectionsPerEndpoint()).isEqualTo(1024);
        assertThat(c.pool().maxPendingRequests()).isEqualTo(1024);
        assertThat(c.passiveHealth().consecutiveFailures()).isEqualTo(5);
        assertThat(c.retries()).isEqualTo(RetryPolicy.defaults());
        assertThat(c.activeHealth()).isNull();
        assertThat(c.endpoints().get(1).weight()).isEqualTo(3);
    }

    @Test
    void routeToAnUnknownCluster_namesTheRouteField() {
        ConfigException e = fails(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .cluster(web())
                .route(RouteConfig.prefix("/a").toCluster("web").build())
                .route(RouteConfig.prefix("/b").toCluster("wbe").build())
                .buildConfig());
        assertThat(e.field()).isEqualTo("routes[1].cluster");
        assertThat(e.problem()).contains("'wbe' is not a defined cluster").contains("[web]");
    }

    @Test
    void clusterErrors_nameTheField() {
        assertThat(fails(() -> Gateway.builder().listener(ListenerConfig.http(0)).cluster(web()).cluster(web())
                .buildConfig()).field()).isEqualTo("clusters[1].name");
        assertThat(fails(() -> ClusterConfig.builder("x").build()).field()).isEqualTo("endpoints");
        assertThat(fails(() -> ClusterConfig.builder("x").endpoint("http://a:1").endpoint("http://a:1", 2).build()).field())
                .isEqualTo("endpoints[1].url");
        assertThat(fails(() -> EndpointConfig.of("http://a:1", 0)).field()).isEqualTo("weight");
        assertThat(fails(() -> EndpointConfig.of("http://a:1/base")).problem()).contains("has a path");
        assertThat(fails(() -> LoadBalancing.hash("query:x")).field()).isEqualTo("hashKey");
        assertThat(fails(() -> new LoadBalancing(LoadBalancing.Algorithm.ROUND_ROBIN, "client-ip")).field()).isEqualTo("hashKey");
        assertThat(fails(() -> new PassiveHealth(1, Duration.ofSeconds(10), Duration.ofSeconds(1), 50)).field())
                .isEqualTo("maxEjectionTime");
        assertThat(fails(() -> ActiveHealthCheck.of("health")).field()).isEqualTo("path");
        assertThat(fails(() -> ActiveHealthCheck.of("/h").withExpectedStatus(300, 200)).field()).isEqualTo("expectedStatusMax");
        assertThat(fails(() -> new RetryPolicy(11, 20, 3)).field()).isEqualTo("maxRetries");
        assertThat(fails(() -> PoolLimits.defaults().withMaxConnectionsPerEndpoint(0)).field()).isEqualTo("maxConnectionsPerEndpoint");
        assertThat(fails(() -> ClusterConfig.builder("x").endpoint("http://a:1")
                .trustedCertificates(java.nio.file.Path.of("ca.pem")).build()).field()).isEqualTo("trustedCertificates");
    }

    @Test
    void protocolAndSni_areChecked_andAPlainUpstreamKeepsHttp1() {
        assertThat(web().protocol()).isEqualTo(ClusterConfig.Protocol.HTTP1);
        assertThat(fails(() -> ClusterConfig.builder("x").endpoint("https://a:1").endpoint("http://b:1")
                .protocol(ClusterConfig.Protocol.H2).build()).field()).isEqualTo("endpoints[1].url");
        assertThat(fails(() -> ClusterConfig.builder("x").endpoint("https://a:1")
                .protocol(ClusterConfig.Protocol.H2C).build()).problem()).contains("use h2 for HTTP/2 over TLS");
        assertThat(fails(() -> ClusterConfig.builder("x").endpoint("http://a:1").sni("a.test").build()).field())
                .isEqualTo("sni");
        for (String bad : List.of("10.0.0.1", "a..b", ".a", "a b", "")) {
            assertThat(fails(() -> ClusterConfig.builder("x").endpoint("https://10.0.0.1:1").sni(bad).build()).field())
                    .as(bad).isEqualTo("sni");
        }
        assertThat(ClusterConfig.builder("x").endpoint("https://10.0.0.1:1").sni("upstream-1.test").build().sni())
                .isEqualTo("upstream-1.test");
        assertThat(fails(() -> UpstreamConfig.of("http://a:1").withSni("a.test")).field()).isEqualTo("sni");
        ClusterConfig single = ClusterConfig.of("u", UpstreamConfig.of("https://10.0.0.1:1").withSni("upstream.test"));
        assertThat(single.sni()).isEqualTo("upstream.test");
        assertThat(single.protocol()).isEqualTo(ClusterConfig.Protocol.HTTP1);
    }

    @Test
    void aRouteHasExactlyOneTarget() {
        assertThat(fails(() -> new RouteConfig("r", List.of(), "/", null, null, UpstreamConfig.of("http://a:1"), null, null,
                null, null, "web", null, null, true, null)).field()).isEqualTo("cluster");
        assertThat(fails(() -> RouteConfig.prefix("/").build()).field()).isEqualTo("upstream");
        assertThat(LoadBalancing.hash("Header:X-User").hashKey()).isEqualTo("header:X-User");
        assertThat(LoadBalancing.hash(" client-ip ").hashKey()).isEqualTo("client-ip");
    }
}
