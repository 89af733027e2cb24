package io.portcullis.spring.actuate;

import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.spring.PortcullisGateway;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/portcullis}: the gateway's listeners, routing table and clusters. Policy settings are left
 * out on purpose (they hold secrets: HMAC keys, API key hashes); only their types are shown.
 */
@Endpoint(id = "portcullis")
public class PortcullisEndpoint {
    private final PortcullisGateway gateway;

    public PortcullisEndpoint(PortcullisGateway gateway) {
        this.gateway = gateway;
    }

    @ReadOperation
    public GatewayDescriptor gateway() {
        GatewayConfig config = gateway.config();
        Map<String, InetSocketAddress> bound = gateway.addresses();
        List<ListenerDescriptor> listeners = config.listeners().stream().map(l -> new ListenerDescriptor(l.name(), l.mode(),
                bound.containsKey(l.name()) ? bound.get(l.name()).getHostString() + ":" + bound.get(l.name()).getPort()
                        : null)).toList();
        List<RouteDescriptor> routes = config.routes().stream().map(PortcullisEndpoint::route).toList();
        List<ClusterDescriptor> clusters = config.clusters().stream().map(c -> new ClusterDescriptor(c.name(),
                c.endpoints().stream().map(e -> new EndpointDescriptor(e.url().toString(), e.weight())).toList(),
                c.balancing().algorithm(), c.balancing().hashKey())).toList();
        return new GatewayDescriptor(gateway.isRunning(), listeners, types(config.policies()), routes, clusters);
    }

    private static RouteDescriptor route(RouteConfig r) {
        return new RouteDescriptor(r.id(), r.hosts(), r.path(), r.pathMatch(), r.methods(),
                r.upstream() != null ? r.upstream().url().toString() : "cluster:" + r.cluster(),
                r.rewrite(), r.rewriteTo(), types(r.policies()));
    }

    private static List<String> types(List<PolicySpec> specs) {
        return specs.stream().map(PolicySpec::type).toList();
    }

    /** The endpoint's answer. */
    public record GatewayDescriptor(boolean running, List<ListenerDescriptor> listeners, List<String> policies,
                                    List<RouteDescriptor> routes, List<ClusterDescriptor> clusters) {
    }

    /** A named cluster routes send to ({@code upstream: cluster:<name>}): its endpoints and balancing. */
    public record ClusterDescriptor(String name, List<EndpointDescriptor> endpoints, LoadBalancing.Algorithm balancing,
                                    String hashKey) {
    }

    /** One endpoint of a cluster. */
    public record EndpointDescriptor(String url, int weight) {
    }

    /** One listener; {@code address} is the bound one while running. */
    public record ListenerDescriptor(String name, ListenerConfig.Mode mode, String address) {
    }

    /** One route, with the types of its own policies (gateway-wide ones run first). */
    public record RouteDescriptor(String id, List<String> hosts, String path, RouteConfig.PathMatch pathMatch,
                                  Set<String> methods, String upstream, RouteConfig.Rewrite rewrite, String rewriteTo,
                                  List<String> policies) {
    }
}
