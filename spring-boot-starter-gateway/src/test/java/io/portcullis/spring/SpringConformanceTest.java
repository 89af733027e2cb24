package io.portcullis.spring;

import io.portcullis.testing.conformance.GatewayConformance;
import io.portcullis.testing.conformance.GatewayIntent;
import io.portcullis.testing.conformance.RunningGateway;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The conformance suite against the Spring Boot starter: the intent as {@code portcullis.*}
 * properties of a small Spring application, started by {@code SpringApplication} (auto-configuration
 * as in any app) and stopped by closing its context. No web server and {@code portcullis.app}
 * off: every route is the intent's, so a path no route matches is the gateway's 404.
 */
class SpringConformanceTest extends GatewayConformance {

    /** The intent as application properties. */
    static List<String> properties(GatewayIntent intent) {
        String route0 = "portcullis.routes[0].", route1 = "portcullis.routes[1].", route2 = "portcullis.routes[2].",
                route3 = "portcullis.routes[3].";
        List<String> p = new ArrayList<>(List.of(
                "portcullis.listeners[0].name=" + GatewayIntent.HTTPS_LISTENER,
                "portcullis.listeners[0].host=127.0.0.1",
                "portcullis.listeners[0].port=0",
                "portcullis.listeners[0].tls.certificates[0].certificate-chain=" + intent.certificateChain(),
                "portcullis.listeners[0].tls.certificates[0].private-key=" + intent.privateKey(),
                "portcullis.listeners[1].name=" + GatewayIntent.REDIRECT_LISTENER,
                "portcullis.listeners[1].host=127.0.0.1",
                "portcullis.listeners[1].port=0",
                "portcullis.listeners[1].mode=REDIRECT",
                "portcullis.listeners[1].https-port=" + intent.redirectHttpsPort(),
                "portcullis.policies[0].type=security-headers",
                "portcullis.app.enabled=false",
                route0 + "id=svc",
                route0 + "path=/svc",
                route0 + "upstream.url=" + intent.upstreamUrl(),
                route0 + "rewrite=STRIP_PREFIX",
                route1 + "id=secure",
                route1 + "path=/secure",
                route1 + "upstream.url=" + intent.upstreamUrl(),
                route1 + "rewrite=STRIP_PREFIX",
                route1 + "policies[0].type=jwt",
                route1 + "policies[0].settings.issuers[0].issuer=" + intent.jwtIssuer(),
                route1 + "policies[0].settings.issuers[0].secret=" + intent.jwtSecret(),
                route1 + "policies[0].settings.claimHeaders.[X-User-Id]=sub",
                route2 + "id=limited",
                route2 + "path=/limited",
                route2 + "upstream.url=" + intent.upstreamUrl(),
                route2 + "rewrite=STRIP_PREFIX",
                route2 + "policies[0].type=rate-limit",
                route2 + "policies[0].settings.requests=" + intent.rateLimitRequests(),
                route2 + "policies[0].settings.per=" + intent.rateLimitWindowText(),
                route3 + "id=dead",
                route3 + "path=/dead",
                route3 + "upstream.url=" + intent.deadUpstreamUrl(),
                "portcullis.timeouts.drain=" + intent.drainTimeoutText(),
                "portcullis.routes[4].id=balanced",
                "portcullis.routes[4].path=/balanced",
                "portcullis.routes[4].cluster=" + GatewayIntent.CLUSTER));
        for (int i = 0; i < intent.clusterEndpointUrls().size(); i++) {
            p.add("portcullis.clusters." + GatewayIntent.CLUSTER + ".endpoints[" + i + "].url=" + intent.clusterEndpointUrls().get(i));
        }
        return p;
    }

    @Override
    protected RunningGateway start(GatewayIntent intent) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(properties(intent).toArray(String[]::new))
                .run();
        PortcullisGateway gateway = context.getBean(PortcullisGateway.class);
        return new RunningGateway() {
            @Override
            public InetSocketAddress address(String listenerName) {
                return gateway.address(listenerName);
            }

            @Override
            public void close() {
                context.close(); // stops the gateway's SmartLifecycle, which drains
            }
        };
    }

    /** An application with nothing but auto-configuration. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
