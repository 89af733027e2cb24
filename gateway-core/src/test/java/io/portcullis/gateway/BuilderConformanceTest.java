package io.portcullis.gateway;

import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.conformance.GatewayConformance;
import io.portcullis.testing.conformance.GatewayIntent;
import io.portcullis.testing.conformance.RunningGateway;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The conformance suite against the builder API: the intent as {@code Gateway.builder()} calls. */
class BuilderConformanceTest extends GatewayConformance {

    @Override
    protected RunningGateway start(GatewayIntent intent) {
        Gateway gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(intent.certificateChain(), intent.privateKey())))
                        .named(GatewayIntent.HTTPS_LISTENER).bind("127.0.0.1"))
                .listener(ListenerConfig.redirect(0, intent.redirectHttpsPort())
                        .named(GatewayIntent.REDIRECT_LISTENER).bind("127.0.0.1"))
                .policy(PolicySpec.of("security-headers"))
                .route(RouteConfig.prefix("/svc").id("svc").to(intent.upstreamUrl()).stripPrefix().build())
                .route(RouteConfig.prefix("/secure").id("secure").to(intent.upstreamUrl()).stripPrefix()
                        .policy(PolicySpec.of("jwt", Map.of(
                                "issuers", List.of(Map.of("issuer", intent.jwtIssuer(), "secret", intent.jwtSecret())),
                                "claimHeaders", Map.of("X-User-Id", "sub"))))
                        .build())
                .route(RouteConfig.prefix("/limited").id("limited").to(intent.upstreamUrl()).stripPrefix()
                        .policy(PolicySpec.of("rate-limit", Map.of("requests", intent.rateLimitRequests(),
                                "per", intent.rateLimitWindow())))
                        .build())
                .route(RouteConfig.prefix("/dead").id("dead").to(intent.deadUpstreamUrl()).build())
                .cluster(cluster(intent))
                .route(RouteConfig.prefix("/balanced").id("balanced").toCluster(GatewayIntent.CLUSTER).build())
                .timeouts(Timeouts.builder().drain(intent.drainTimeout()).build())
                .build();
        gateway.start();
        return running(gateway);
    }

    private static ClusterConfig cluster(GatewayIntent intent) {
        ClusterConfig.Builder b = ClusterConfig.builder(GatewayIntent.CLUSTER);
        intent.clusterEndpointUrls().forEach(b::endpoint);
        return b.build();
    }

    private static RunningGateway running(Gateway gateway) {
        return new RunningGateway() {
            @Override
            public InetSocketAddress address(String listenerName) {
                return gateway.address(listenerName);
            }

            @Override
            public void close() {
                gateway.close();
            }
        };
    }
}
