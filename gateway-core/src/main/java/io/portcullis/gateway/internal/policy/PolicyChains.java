package io.portcullis.gateway.internal.policy;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every route's policy chain, built once at start: the gateway-wide policies first, then the
 * route's own, in configuration order. Providers (built-in and plugins) are found by type name
 * with {@link ServiceLoader}; an unknown type or setting fails the start with its field path.
 */
public final class PolicyChains {
    private static final Policy[] NONE = new Policy[0];

    private final Policy[] defaults;
    private final Chain defaultChain;
    private final Map<String, Chain> byRoute;

    /**
     * One route's policies in order, and beside each its meters (registered here, at compile time,
     * tagged with the route and the policy's type).
     */
    public record Chain(Policy[] policies, PolicyMeters[] meters) {
    }

    private PolicyChains(Policy[] defaults, Chain defaultChain, Map<String, Chain> byRoute) {
        this.defaults = defaults;
        this.defaultChain = defaultChain;
        this.byRoute = byRoute;
    }

    public static PolicyChains compile(GatewayConfig config, ProviderContext context, ClassLoader loader) {
        return compile(config, context, loader, List.of());
    }

    /**
     * Like {@link #compile(GatewayConfig, ProviderContext, ClassLoader)}, with providers supplied in code besides
     * ServiceLoader's. One given in code of the same class as a found one replaces it (e.g. a
     * {@code RateLimitProvider} with another default Redis); of another class it is refused.
     */
    public static PolicyChains compile(GatewayConfig config, ProviderContext context, ClassLoader loader,
                                       List<PolicyProvider> inCode) {
        Map<String, PolicyProvider> providers = providers(loader);
        Map<String, PolicyProvider> given = new HashMap<>();
        for (PolicyProvider p : inCode) {
            PolicyProvider previous = given.putIfAbsent(p.type(), p);
            PolicyProvider found = providers.get(p.type());
            // an instance of the class ServiceLoader found is that type configured in code (a built-in
            // with other defaults): it replaces the found one; another class for a known type is a clash
            boolean clash = previous != null ? previous != p : found != null && found.getClass() != p.getClass();
            if (clash) {
                PolicyProvider other = previous != null ? previous : found;
                throw new IllegalStateException("policy type '" + p.type() + "' is provided twice: by "
                        + other.getClass().getName() + " and " + p.getClass().getName() + " (given in code)");
            }
            providers.put(p.type(), p);
        }
        Policy[] defaults = build(config.policies(), "policies", providers, context).toArray(NONE);
        Map<String, Chain> byRoute = new HashMap<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig r = config.routes().get(i);
            List<Policy> chain = new ArrayList<>(List.of(defaults));
            chain.addAll(build(r.policies(), "routes[" + i + "].policies", providers, context));
            List<PolicySpec> specs = new ArrayList<>(config.policies());
            specs.addAll(r.policies());
            PolicyMeters[] meters = new PolicyMeters[specs.size()];
            for (int j = 0; j < meters.length; j++) {
                meters[j] = new PolicyMeters(context.meterRegistry(), r.id(), specs.get(j).type());
            }
            byRoute.put(r.id(), new Chain(chain.toArray(NONE), meters));
        }
        // no route, no request-side policies run: these meters would never move, so none are registered
        PolicyMeters[] none = new PolicyMeters[defaults.length];
        return new PolicyChains(defaults, new Chain(defaults, none), Map.copyOf(byRoute));
    }

    /** The chain of a route (gateway-wide policies included) with its meters. */
    public Chain forRoute(String routeId) {
        Chain c = byRoute.get(routeId);
        return c == null ? defaultChain : c;
    }

    /** The gateway-wide policies, which also see responses made when no route matched. */
    public Policy[] defaults() {
        return defaults;
    }

    private static List<Policy> build(List<PolicySpec> specs, String field, Map<String, PolicyProvider> providers,
                                      ProviderContext context) {
        List<Policy> out = new ArrayList<>(specs.size());
        for (int j = 0; j < specs.size(); j++) {
            PolicySpec spec = specs.get(j);
            String path = field + "[" + j + "]";
            PolicyProvider provider = providers.get(spec.type());
            if (provider == null) {
                throw new ConfigException(path + ".type", "unknown policy type '" + spec.type() + "' (known: "
                        + String.join(", ", providers.keySet()) + ")");
            }
            try {
                Policy p = provider.create(spec, context);
                if (p == null) {
                    throw new ConfigException("type", "provider " + provider.getClass().getName() + " returned no policy");
                }
                spec.checkAllRead();
                out.add(p);
            } catch (ConfigException e) {
                throw e.under(path);
            }
        }
        return out;
    }

    static Map<String, PolicyProvider> providers(ClassLoader loader) {
        Map<String, PolicyProvider> byType = new TreeMap<>();
        for (PolicyProvider p : ServiceLoader.load(PolicyProvider.class, loader)) {
            PolicyProvider previous = byType.putIfAbsent(p.type(), p);
            if (previous != null && previous.getClass() != p.getClass()) {
                throw new IllegalStateException("policy type '" + p.type() + "' is provided twice: by "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return byType;
    }
}
