package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import io.portcullis.gateway.policy.PolicySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One route: which requests it takes (hosts, path, methods) and where they go.
 *
 * <p>Matching is on the normalised path (dot segments resolved, duplicate slashes merged,
 * unreserved percent-escapes decoded). A prefix matches whole segments: {@code /api} matches
 * {@code /api} and {@code /api/x} but not {@code /apix}. The most specific route wins: exact host
 * over wildcard host over any host, then exact path over the longest prefix, then a route with
 * methods over one without.
 *
 * @param id                  unique name, used in logs and metrics
 * @param hosts               exact ({@code api.example.com}) or wildcard ({@code *.example.com}) hosts; empty = any
 * @param path                path starting with {@code /}
 * @param pathMatch           {@link PathMatch#EXACT} or {@link PathMatch#PREFIX}
 * @param methods             upper-case methods; empty = any
 * @param upstream            where matching requests are proxied (one origin); null when {@code cluster} is set
 * @param rewrite             how the path is changed before forwarding
 * @param rewriteTo           the new prefix for {@link Rewrite#REPLACE_PREFIX}
 * @param maxRequestBodyBytes overrides {@link Limits#maxRequestBodyBytes()} for this route; null keeps it
 * @param policies            this route's policy chain, run in order after the gateway-wide policies
 * @param cluster             the name of the {@link ClusterConfig} matching requests go to; null when
 *                            {@code upstream} is set (exactly one of the two)
 * @param upstreamConnectTimeout  overrides the cluster's (or the gateway's) upstream connect timeout; null keeps it
 * @param upstreamResponseTimeout overrides the cluster's (or the gateway's) upstream response timeout; null keeps it
 * @param websocket           whether WebSocket upgrades are proxied on this route (default true); when
 *                            false an upgrade request is refused with 403
 * @param compression         response compression for this route; null uses {@link GatewayConfig#compression()}
 */
public record RouteConfig(
        String id,
        List<String> hosts,
        String path,
        PathMatch pathMatch,
        Set<String> methods,
        UpstreamConfig upstream,
        Rewrite rewrite,
        String rewriteTo,
        Long maxRequestBodyBytes,
        List<PolicySpec> policies,
        String cluster,
        Duration upstreamConnectTimeout,
        Duration upstreamResponseTimeout,
        boolean websocket,
        CompressionConfig compression) {

    /** How a route's path matches. */
    public enum PathMatch { EXACT, PREFIX }

    /** How the matched path is rewritten before it goes upstream. */
    public enum Rewrite {
        /** Forward the normalised path unchanged. */
        NONE,
        /** Remove the route's prefix ({@code /api/users} on {@code /api} becomes {@code /users}). */
        STRIP_PREFIX,
        /** Replace the route's prefix with {@code rewriteTo}. */
        REPLACE_PREFIX
    }

    public RouteConfig {
        check(id != null && !id.isBlank(), "id", "missing (expected: a unique route name)");
        hosts = hosts == null ? List.of() : hosts.stream()
                .map(h -> h == null ? "" : h.trim().toLowerCase(Locale.ROOT)).toList();
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i);
            check(CertificateConfig.isValidServerName(h) || isIpLiteral(h), "hosts[" + i + "]",
                    "'" + h + "' (expected: a host such as api.example.com or *.example.com, without port)");
        }
        ConfigException.required(path, "path", "a path starting with /");
        check(path.startsWith("/"), "path", "'" + path + "' (expected: starting with /)");
        check(!path.contains("?") && !path.contains("#") && !path.contains("//") && !hasDotSegment(path), "path",
                "'" + path + "' (expected: a normalised path without query, fragment, // or dot segments)");
        pathMatch = pathMatch == null ? PathMatch.PREFIX : pathMatch;
        Set<String> m = new LinkedHashSet<>();
        if (methods != null) {
            for (String method : methods) {
                check(method != null && !method.isEmpty() && method.chars().allMatch(c -> c >= 'A' && c <= 'Z'),
                        "methods", "'" + method + "' (expected: an upper-case method such as GET)");
                m.add(method);
            }
        }
        methods = Set.copyOf(m);
        check(upstream != null || cluster != null, "upstream", "missing (expected: an upstream URL, or a cluster name)");
        check(upstream == null || cluster == null, "cluster", "set together with upstream (expected: one of the two)");
        check(cluster == null || !cluster.isBlank(), "cluster", "blank (expected: a cluster name)");
        check(upstreamConnectTimeout == null || (!upstreamConnectTimeout.isNegative() && !upstreamConnectTimeout.isZero()),
                "upstreamConnectTimeout", upstreamConnectTimeout + " (expected: > 0)");
        check(upstreamResponseTimeout == null || (!upstreamResponseTimeout.isNegative() && !upstreamResponseTimeout.isZero()),
                "upstreamResponseTimeout", upstreamResponseTimeout + " (expected: > 0)");
        rewrite = rewrite == null ? Rewrite.NONE : rewrite;
        if (rewrite == Rewrite.REPLACE_PREFIX) {
            check(rewriteTo != null && rewriteTo.startsWith("/"), "rewriteTo",
                    "'" + rewriteTo + "' (expected: a path starting with / for REPLACE_PREFIX)");
        } else {
            check(rewriteTo == null, "rewriteTo", "set without rewrite REPLACE_PREFIX");
        }
        check(maxRequestBodyBytes == null || maxRequestBodyBytes >= 0, "maxRequestBodyBytes",
                maxRequestBodyBytes + " (expected: >= 0)");
        policies = List.copyOf(policies == null ? List.of() : policies);
    }

    /** A route to a single upstream, with the cluster's timeouts, WebSocket allowed and the gateway's compression. */
    public RouteConfig(String id, List<String> hosts, String path, PathMatch pathMatch, Set<String> methods,
                       UpstreamConfig upstream, Rewrite rewrite, String rewriteTo, Long maxRequestBodyBytes,
                       List<PolicySpec> policies) {
        this(id, hosts, path, pathMatch, methods, upstream, rewrite, rewriteTo, maxRequestBodyBytes, policies,
                null, null, null, true, null);
    }

    /** This route with WebSocket upgrades allowed or refused. */
    public RouteConfig withWebsocket(boolean v) {
        return new RouteConfig(id, hosts, path, pathMatch, methods, upstream, rewrite, rewriteTo, maxRequestBodyBytes,
                policies, cluster, upstreamConnectTimeout, upstreamResponseTimeout, v, compression);
    }

    /** This route with its own compression settings (null: the gateway's). */
    public RouteConfig withCompression(CompressionConfig v) {
        return new RouteConfig(id, hosts, path, pathMatch, methods, upstream, rewrite, rewriteTo, maxRequestBodyBytes,
                policies, cluster, upstreamConnectTimeout, upstreamResponseTimeout, websocket, v);
    }

    private static boolean hasDotSegment(String p) {
        for (String seg : p.split("/", -1)) {
            if (seg.equals(".") || seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isIpLiteral(String h) {
        return !h.isEmpty() && (h.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')
                || (h.startsWith("[") && h.endsWith("]")));
    }

    /** A route for every request whose path starts with {@code prefix} (segment-aware). */
    public static Builder prefix(String prefix) {
        return new Builder(prefix, PathMatch.PREFIX);
    }

    /** A route for exactly {@code path}. */
    public static Builder exact(String path) {
        return new Builder(path, PathMatch.EXACT);
    }

    /** Builds a {@link RouteConfig}. */
    public static final class Builder {
        private String id;
        private final List<String> hosts = new ArrayList<>();
        private final String path;
        private final PathMatch pathMatch;
        private final Set<String> methods = new LinkedHashSet<>();
        private UpstreamConfig upstream;
        private Rewrite rewrite = Rewrite.NONE;
        private String rewriteTo;
        private Long maxRequestBodyBytes;
        private final List<PolicySpec> policies = new ArrayList<>();
        private String cluster;
        private Duration upstreamConnectTimeout;
        private Duration upstreamResponseTimeout;
        private boolean websocket = true;
        private CompressionConfig compression;

        private Builder(String path, PathMatch pathMatch) {
            this.path = path;
            this.pathMatch = pathMatch;
        }

        public Builder id(String v) { id = v; return this; }
        public Builder host(String... v) { hosts.addAll(List.of(v)); return this; }
        public Builder methods(String... v) { methods.addAll(List.of(v)); return this; }
        public Builder to(String url) { upstream = UpstreamConfig.of(url); cluster = null; return this; }
        public Builder to(UpstreamConfig v) { upstream = Objects.requireNonNull(v, "upstream"); cluster = null; return this; }
        /** Sends matching requests to the cluster named {@code name} (see {@link GatewayConfig#clusters()}). */
        public Builder toCluster(String name) { cluster = Objects.requireNonNull(name, "cluster"); upstream = null; return this; }
        public Builder upstreamConnectTimeout(Duration v) { upstreamConnectTimeout = v; return this; }
        public Builder upstreamResponseTimeout(Duration v) { upstreamResponseTimeout = v; return this; }
        public Builder stripPrefix() { rewrite = Rewrite.STRIP_PREFIX; rewriteTo = null; return this; }
        public Builder replacePrefix(String v) { rewrite = Rewrite.REPLACE_PREFIX; rewriteTo = v; return this; }
        public Builder maxRequestBodyBytes(long v) { maxRequestBodyBytes = v; return this; }
        /** Appends a policy to this route's chain. */
        public Builder policy(PolicySpec v) { policies.add(Objects.requireNonNull(v, "policy")); return this; }
        /** Allows (default) or refuses (403) WebSocket upgrades on this route. */
        public Builder websocket(boolean v) { websocket = v; return this; }
        /** This route's compression; unset uses the gateway-wide setting. */
        public Builder compression(CompressionConfig v) { compression = v; return this; }

        public RouteConfig build() {
            String routeId = id != null ? id : (hosts.isEmpty() ? "" : String.join(",", hosts)) + path;
            return new RouteConfig(routeId, hosts, path, pathMatch, methods, upstream, rewrite, rewriteTo,
                    maxRequestBodyBytes, policies, cluster, upstreamConnectTimeout, upstreamResponseTimeout, websocket,
                    compression);
        }
    }
}
