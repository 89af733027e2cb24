package io.portcullis.server;

import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.testing.conformance.GatewayConformance;
import io.portcullis.testing.conformance.GatewayIntent;
import io.portcullis.testing.conformance.RunningGateway;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The conformance suite against the standalone server: the intent written as a YAML file, loaded by
 * {@link ConfigLoader} (with its validation and substitution) and run by {@link PortcullisServer}.
 */
class ServerConformanceTest extends GatewayConformance {

    /** The intent as a portcullis.yaml. */
    static String yaml(GatewayIntent intent) {
        return """
                listeners:
                  - name: %s
                    host: 127.0.0.1
                    port: 0
                    tls:
                      certificates:
                        - {certificateChain: "%s", privateKey: "%s"}
                  - {name: %s, host: 127.0.0.1, port: 0, mode: redirect, httpsPort: %d}
                policies:
                  - type: security-headers
                routes:
                  - id: svc
                    path: /svc
                    upstream: %s
                    rewrite: strip-prefix
                  - id: secure
                    path: /secure
                    upstream: %s
                    rewrite: strip-prefix
                    policies:
                      - type: jwt
                        settings:
                          issuers:
                            - {issuer: "%s", secret: "${JWT_SECRET}"}
                          claimHeaders: {X-User-Id: sub}
                  - id: limited
                    path: /limited
                    upstream: %s
                    rewrite: strip-prefix
                    policies:
                      - type: rate-limit
                        settings: {requests: %d, per: %s}
                  - id: dead
                    path: /dead
                    upstream: %s
                  - id: balanced
                    path: /balanced
                    cluster: %s
                clusters:
                  %s:
                    endpoints: [%s]
                timeouts:
                  drain: %s
                admin: {enabled: false}
                """.formatted(GatewayIntent.HTTPS_LISTENER, intent.certificateChain(), intent.privateKey(),
                GatewayIntent.REDIRECT_LISTENER, intent.redirectHttpsPort(), intent.upstreamUrl(), intent.upstreamUrl(),
                intent.jwtIssuer(), intent.upstreamUrl(), intent.rateLimitRequests(), intent.rateLimitWindowText(),
                intent.deadUpstreamUrl(), GatewayIntent.CLUSTER, GatewayIntent.CLUSTER,
                String.join(", ", intent.clusterEndpointUrls()), intent.drainTimeoutText());
    }

    @Override
    protected RunningGateway start(GatewayIntent intent) throws Exception {
        Path dir = Files.createTempDirectory("portcullis-conformance");
        Path file = Files.writeString(dir.resolve("portcullis.yaml"), yaml(intent));
        // the secret through the environment, as deployments pass it
        ConfigLoader loader = new ConfigLoader(Map.of("JWT_SECRET", intent.jwtSecret())::get);
        ServerConfig config = loader.load(file);
        PortcullisServer server = PortcullisServer.start(config, loader);
        return new RunningGateway() {
            @Override
            public InetSocketAddress address(String listenerName) {
                InetSocketAddress a = server.addresses().get(listenerName);
                if (a == null) {
                    throw new IllegalArgumentException("no listener " + listenerName + " in " + server.addresses());
                }
                return a;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
