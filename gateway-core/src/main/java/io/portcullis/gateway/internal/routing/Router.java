package io.portcullis.gateway.internal.routing;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.internal.net.IpLiterals;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing table, compiled once from the configured routes; {@link #find} is called for every
 * request and allocates nothing.
 *
 * <p><b>1. Host.</b> The request's host picks one host group, most specific first:
 * <ol>
 *   <li>routes listing that exact host ({@code api.example.com}, or an IP literal);</li>
 *   <li>else routes listing a wildcard that covers it: {@code *.example.com} covers
 *       {@code a.example.com} and {@code a.b.example.com} (any depth) but not {@code example.com};
 *       the longest wildcard suffix wins ({@code *.b.example.com} over {@code *.example.com});</li>
 *   <li>else routes that list no host.</li>
 * </ol>
 * A request without a host (null or empty) goes straight to the last group. As with nginx server
 * blocks and Envoy virtual hosts, once a group is chosen there is <em>no fallback</em> to a less
 * specific group: if no route in it matches, {@link #find} returns null (404). This keeps a host's
 * routes, and the policies on them, from being silently extended by generic routes.
 *
 * <p><b>2. Path, within the group.</b> An exact route beats any prefix route; among prefix routes
 * the longest prefix wins. Prefixes match whole segments ({@code /api} matches {@code /api},
 * {@code /api/} and {@code /api/x}, not {@code /apix}; {@code /} matches everything; see
 * {@link Route} for prefixes ending in a slash).
 *
 * <p><b>3. Method, at one path.</b> A route whose methods include the request method beats a route
 * without methods (any method). A route whose methods exclude it is skipped, and the search goes
 * on with shorter prefixes, so {@code GET /api/x} on {@code PREFIX /api [POST]} plus
 * {@code PREFIX /} lands on {@code /}. Methods compare exactly (case-sensitive; {@code HEAD} does
 * not match a {@code GET}-only route).
 */
public final class Router {

    private final List<Route> routes;
    private final Map<String, HostGroup> exactHosts;
    /** Keyed by the wildcard's suffix including its dot ({@code .example.com}); null when none. */
    private final RegionTable<HostGroup> wildcardHosts;
    /** Routes without hosts; null when there are none. */
    private final HostGroup anyHost;

    private Router(List<Route> routes, Map<String, HostGroup> exactHosts, RegionTable<HostGroup> wildcardHosts,
            HostGroup anyHost) {
        this.routes = routes;
        this.exactHosts = exactHosts;
        this.wildcardHosts = wildcardHosts;
        this.anyHost = anyHost;
    }

    /**
     * Compiles {@code routes} (order does not matter).
     *
     * @throws ConfigException on {@code routes[i]} (its index in {@code routes}) when it conflicts
     *                         with an earlier route: same host entry, same normalised path, same
     *                         match type and overlapping methods (two method-less routes overlap);
     *                         or on {@code routes[i].path} etc. when a route cannot be compiled
     */
    public static Router compile(List<RouteConfig> routes) {
        List<RouteConfig> configs = routes == null ? List.of() : routes;
        List<Route> compiled = new ArrayList<>(configs.size());
        Map<String, GroupBuilder> exact = new LinkedHashMap<>();
        Map<String, GroupBuilder> wildcard = new LinkedHashMap<>();
        GroupBuilder any = null;
        for (int i = 0; i < configs.size(); i++) {
            String field = "routes[" + i + "]";
            RouteConfig config = configs.get(i);
            if (config == null) {
                throw new ConfigException(field, "missing (expected: a route)");
            }
            Route route;
            try {
                route = new Route(config);
            } catch (ConfigException e) {
                throw e.under(field);
            }
            compiled.add(route);
            List<String> hosts = config.hosts();
            if (hosts.isEmpty()) {
                if (any == null) {
                    any = new GroupBuilder("any host");
                }
                any.add(route, i);
                continue;
            }
            Set<String> seen = new HashSet<>(); // "A.com" and "a.com" both arrive lower-cased
            for (int h = 0; h < hosts.size(); h++) {
                String host = hosts.get(h);
                if (!seen.add(host)) {
                    continue;
                }
                if (host.startsWith("[") && !IpLiterals.parseIpv6(host, 1, host.length() - 1, null)) {
                    throw new ConfigException(field + ".hosts[" + h + "]", "'" + host + "' is not an IPv6 literal");
                }
                if (host.startsWith("*.")) {
                    wildcard.computeIfAbsent(host.substring(1), k -> new GroupBuilder("host '" + host + "'"))
                            .add(route, i);
                } else {
                    exact.computeIfAbsent(host, k -> new GroupBuilder("host '" + host + "'")).add(route, i);
                }
            }
        }
        Map<String, HostGroup> exactHosts = new HashMap<>();
        exact.forEach((host, b) -> exactHosts.put(host, b.build()));
        Map<String, HostGroup> wildcardGroups = new HashMap<>();
        wildcard.forEach((suffix, b) -> wildcardGroups.put(suffix, b.build()));
        return new Router(Collections.unmodifiableList(compiled), exactHosts,
                wildcardGroups.isEmpty() ? null : new RegionTable<>(wildcardGroups),
                any == null ? null : any.build());
    }

    /**
     * The route for a request, or null (404).
     *
     * @param host           normalised host (lower-case, no port, as from
     *                       {@code PathNormalizer.normalizeHost}); null or empty when the request had none
     * @param normalizedPath the request path after {@code PathNormalizer.normalize}
     * @param method         the request method, e.g. {@code GET}; null matches only method-less routes
     */
    public Route find(String host, String normalizedPath, String method) {
        HostGroup group = hostGroup(host);
        return group == null ? null : group.find(normalizedPath, method);
    }

    private HostGroup hostGroup(String host) {
        if (host == null || host.isEmpty()) {
            return anyHost;
        }
        HostGroup group = exactHosts.get(host);
        if (group != null) {
            return group;
        }
        if (wildcardHosts != null) {
            // Walk right to left, keeping the String hash of host[j..] current; at each dot (with
            // at least one character before it) look that suffix up. The last hit is the longest.
            HostGroup best = null;
            int hash = 0;
            int pow = 1;
            for (int j = host.length() - 1; j >= 1; j--) {
                char c = host.charAt(j);
                hash += c * pow;
                pow *= 31;
                if (c == '.') {
                    HostGroup g = wildcardHosts.get(hash, host, j, host.length());
                    if (g != null) {
                        best = g;
                    }
                }
            }
            if (best != null) {
                return best;
            }
        }
        return anyHost;
    }

    /** The compiled routes, in configuration order. */
    public List<Route> routes() {
        return routes;
    }

    /** The routes of one host, path and match type, by method. */
    private static final class MethodTable {
        private final Map<String, Route> byMethod;
        private final Route anyMethod;

        MethodTable(Map<String, Route> byMethod, Route anyMethod) {
            this.byMethod = byMethod;
            this.anyMethod = anyMethod;
        }

        Route select(String method) {
            if (method != null && !byMethod.isEmpty()) {
                Route r = byMethod.get(method);
                if (r != null) {
                    return r;
                }
            }
            return anyMethod;
        }
    }

    /** The routes of one host (or of no host). */
    private static final class HostGroup {
        private final Map<String, MethodTable> exactPaths;
        /** Prefix routes by prefix; null when there are none. */
        private final RegionTable<MethodTable> prefixes;
        /** hasPrefixOfLength[k]: some prefix is k characters long; skips hopeless lookups. */
        private final boolean[] hasPrefixOfLength;

        HostGroup(Map<String, MethodTable> exactPaths, Map<String, MethodTable> prefixPaths) {
            this.exactPaths = exactPaths;
            int max = 0;
            for (String p : prefixPaths.keySet()) {
                max = Math.max(max, p.length());
            }
            this.hasPrefixOfLength = new boolean[max + 1];
            for (String p : prefixPaths.keySet()) {
                hasPrefixOfLength[p.length()] = true;
            }
            this.prefixes = prefixPaths.isEmpty() ? null : new RegionTable<>(prefixPaths);
        }

        Route find(String path, String method) {
            if (!exactPaths.isEmpty()) {
                MethodTable t = exactPaths.get(path);
                if (t != null) {
                    Route r = t.select(method);
                    if (r != null) {
                        return r;
                    }
                }
            }
            if (prefixes == null) {
                return null;
            }
            // Scan forward keeping the String hash of path[0..k) current. A prefix of length k can
            // match only at a segment boundary: path[k] is '/' or the end (prefix "/api"), or
            // path[k-1] is '/' (prefix "/api/" or "/"). Longer matches overwrite shorter ones; a
            // prefix whose routes all exclude the method leaves the shorter match in place.
            int n = path.length();
            int limit = Math.min(n, hasPrefixOfLength.length - 1);
            Route best = null;
            int hash = 0;
            for (int k = 1; k <= limit; k++) {
                char c = path.charAt(k - 1);
                hash = 31 * hash + c;
                if (hasPrefixOfLength[k] && (c == '/' || k == n || path.charAt(k) == '/')) {
                    MethodTable t = prefixes.get(hash, path, 0, k);
                    if (t != null) {
                        Route r = t.select(method);
                        if (r != null) {
                            best = r;
                        }
                    }
                }
            }
            return best;
        }
    }

    /** Collects one host group's routes and rejects exact conflicts. */
    private static final class GroupBuilder {
        private final String hostLabel;
        private final Map<String, List<Indexed>> exactPaths = new LinkedHashMap<>();
        private final Map<String, List<Indexed>> prefixPaths = new LinkedHashMap<>();

        GroupBuilder(String hostLabel) {
            this.hostLabel = hostLabel;
        }

        void add(Route route, int index) {
            Map<String, List<Indexed>> byPath =
                    route.pathMatch() == RouteConfig.PathMatch.EXACT ? exactPaths : prefixPaths;
            List<Indexed> same = byPath.computeIfAbsent(route.path(), k -> new ArrayList<>());
            Set<String> methods = route.config().methods();
            for (Indexed other : same) {
                Set<String> otherMethods = other.route.config().methods();
                Set<String> overlap = new TreeSet<>(methods);
                overlap.retainAll(otherMethods);
                if ((methods.isEmpty() && otherMethods.isEmpty()) || !overlap.isEmpty()) {
                    throw new ConfigException("routes[" + index + "]", "conflicts with routes[" + other.index
                            + "] ('" + other.route.id() + "'): both match " + hostLabel + ", "
                            + route.pathMatch() + " path '" + route.path() + "' and "
                            + (overlap.isEmpty() ? "any method" : "methods " + overlap));
                }
            }
            same.add(new Indexed(route, index));
        }

        HostGroup build() {
            return new HostGroup(tables(exactPaths), tables(prefixPaths));
        }

        private static Map<String, MethodTable> tables(Map<String, List<Indexed>> byPath) {
            Map<String, MethodTable> out = new HashMap<>();
            byPath.forEach((path, list) -> {
                Map<String, Route> byMethod = new HashMap<>();
                Route anyMethod = null;
                for (Indexed e : list) {
                    if (e.route.config().methods().isEmpty()) {
                        anyMethod = e.route;
                    }
                    for (String m : e.route.config().methods()) {
                        byMethod.put(m, e.route);
                    }
                }
                out.put(path, new MethodTable(byMethod, anyMethod));
            });
            return out;
        }
    }

    private record Indexed(Route route, int index) {
    }
}
