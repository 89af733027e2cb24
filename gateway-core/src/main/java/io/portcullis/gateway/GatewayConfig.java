package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import io.portcullis.gateway.internal.net.Cidr;
import io.portcullis.gateway.policy.PolicySpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole, validated gateway configuration. Every front end (builder, YAML, Spring properties)
 * produces one of these; {@link Gateway} runs it.
 *
 * @param listeners              sockets to listen on
 * @param routes                 the routing table (order does not matter: the most specific route wins)
 * @param limits                 size and count limits
 * @param timeouts               time limits
 * @param trustedProxies         CIDRs ({@code 10.0.0.0/8}, {@code ::1/128}) whose X-Forwarded-For,
 *                               X-Forwarded-Proto/-Host and Forwarded headers are believed
 * @param ioThreads              event-loop threads; 0 means one per available core
 * @param healthPath             path answered by the gateway itself on every listener (200 while
 *                               serving, 503 while draining); null disables it
 * @param trustIncomingRequestId keep a well-formed incoming {@code X-Request-Id} instead of generating one
 * @param policies               gateway-wide policies: run before every route's own, and the only ones
 *                               that see responses made when no route matched (404)
 * @param clusters               named groups of upstream endpoints that routes refer to by name
 * @param compression            response compression for routes that set none; off by default
 * @param transport              the socket I/O layer; {@link IoTransport#AUTO} (null) picks the best available
 */
public record GatewayConfig(
        List<ListenerConfig> listeners,
        List<RouteConfig> routes,
        Limits limits,
        Timeouts timeouts,
        List<String> trustedProxies,
        int ioThreads,
        String healthPath,
        boolean trustIncomingRequestId,
        List<PolicySpec> policies,
        List<ClusterConfig> clusters,
        CompressionConfig compression,
        IoTransport transport) {

    /** Without clusters or compression. */
    public GatewayConfig(List<ListenerConfig> listeners, List<RouteConfig> routes, Limits limits, Timeouts timeouts,
                         List<String> trustedProxies, int ioThreads, String healthPath, boolean trustIncomingRequestId,
                         List<PolicySpec> policies) {
        this(listeners, routes, limits, timeouts, trustedProxies, ioThreads, healthPath, trustIncomingRequestId,
                policies, null, null, null);
    }

    /** With the transport picked automatically. */
    public GatewayConfig(List<ListenerConfig> listeners, List<RouteConfig> routes, Limits limits, Timeouts timeouts,
                         List<String> trustedProxies, int ioThreads, String healthPath, boolean trustIncomingRequestId,
                         List<PolicySpec> policies, List<ClusterConfig> clusters, CompressionConfig compression) {
        this(listeners, routes, limits, timeouts, trustedProxies, ioThreads, healthPath, trustIncomingRequestId,
                policies, clusters, compression, null);
    }

    public GatewayConfig {
        listeners = List.copyOf(ConfigException.required(listeners, "listeners", "at least one listener"));
        check(!listeners.isEmpty(), "listeners", "empty (expected: at least one listener)");
        Set<String> names = new HashSet<>();
        Set<String> bound = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig l = listeners.get(i);
            check(names.add(l.name()), "listeners[" + i + "].name", "'" + l.name() + "' is used twice");
            check(l.port() == 0 || bound.add(l.host() + ":" + l.port()), "listeners[" + i + "].port",
                    l.port() + " is already used by another listener on " + l.host());
        }
        clusters = List.copyOf(clusters == null ? List.of() : clusters);
        Set<String> clusterNames = new HashSet<>();
        for (int i = 0; i < clusters.size(); i++) {
            check(clusterNames.add(clusters.get(i).name()), "clusters[" + i + "].name",
                    "'" + clusters.get(i).name() + "' is used twice");
        }
        routes = List.copyOf(routes == null ? List.of() : routes);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            check(ids.add(r.id()), "routes[" + i + "].id", "'" + r.id() + "' is used twice");
            check(r.cluster() == null || clusterNames.contains(r.cluster()), "routes[" + i + "].cluster",
                    "'" + r.cluster() + "' is not a defined cluster (expected one of: "
                            + clusters.stream().map(ClusterConfig::name).sorted().toList() + ")");
        }
        limits = limits == null ? Limits.defaults() : limits;
        for (int i = 0; i < listeners.size(); i++) {
            ConnectionLimits c = listeners.get(i).connectionLimits();
            int max = c.effectiveMaxConnections(limits);
            check(c.maxConnectionsPerClient() <= max, "listeners[" + i + "].connectionLimits.maxConnectionsPerClient",
                    c.maxConnectionsPerClient() + " is above the listener's limit of " + max
                            + " connections (expected: at most that)");
        }
        timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
        trustedProxies = List.copyOf(trustedProxies == null ? List.of() : trustedProxies);
        for (int i = 0; i < trustedProxies.size(); i++) {
            try {
                Cidr.parse(trustedProxies.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("trustedProxies[" + i + "]", e.getMessage());
            }
        }
        policies = List.copyOf(policies == null ? List.of() : policies);
        compression = compression == null ? CompressionConfig.disabled() : compression;
        transport = transport == null ? IoTransport.AUTO : transport;
        check(ioThreads >= 0, "ioThreads", ioThreads + " (expected: >= 0; 0 = one per core)");
        check(healthPath == null || (healthPath.startsWith("/") && !healthPath.contains("?")), "healthPath",
                "'" + healthPath + "' (expected: a path starting with /, or none)");
    }
}
