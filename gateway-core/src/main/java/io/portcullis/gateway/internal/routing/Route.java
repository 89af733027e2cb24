package io.portcullis.gateway.internal.routing;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.internal.http.InvalidRequestException;
import io.portcullis.gateway.internal.http.PathNormalizer;

/**
 * A compiled {@link RouteConfig}: its path normalised once (as request paths are, so that
 * {@code /%7Eu} in config matches a request for {@code /~u}), its rewrite precomputed.
 *
 * <p>Prefix semantics: a prefix without trailing slash ({@code /api}) matches {@code /api},
 * {@code /api/} and everything below, but not {@code /apix}. A prefix with a trailing slash
 * ({@code /api/}) matches {@code /api/} and below but not {@code /api}: the slash is taken as
 * written, so a configuration can tell the directory apart from a resource of the same name. For
 * rewriting, both forms strip the same thing: the prefix without its trailing slash.
 */
public final class Route {

    private final RouteConfig config;
    private final String path;
    /** The prefix without trailing slash ("" for "/"): what STRIP/REPLACE_PREFIX remove. */
    private final String strippedPrefix;
    /** rewriteTo, normalised; null unless REPLACE_PREFIX. */
    private final String replacement;
    /** replacement without trailing slash ("" for "/"): what REPLACE_PREFIX puts before the rest. */
    private final String replacementBase;

    /**
     * Compiles {@code config}.
     *
     * @throws ConfigException on field {@code path} or {@code rewriteTo} when it is not a valid
     *                         path (e.g. raw non-ASCII or a malformed escape)
     */
    public Route(RouteConfig config) {
        this.config = config;
        this.path = normalizeConfigPath(config.path(), "path");
        this.strippedPrefix = withoutTrailingSlash(path);
        this.replacement = config.rewrite() == RouteConfig.Rewrite.REPLACE_PREFIX
                ? normalizeConfigPath(config.rewriteTo(), "rewriteTo")
                : null;
        this.replacementBase = replacement == null ? null : withoutTrailingSlash(replacement);
    }

    private static String normalizeConfigPath(String p, String field) {
        try {
            return PathNormalizer.normalize(p);
        } catch (InvalidRequestException e) {
            throw new ConfigException(field, "'" + p + "': " + e.getMessage());
        }
    }

    private static String withoutTrailingSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    public RouteConfig config() {
        return config;
    }

    public String id() {
        return config.id();
    }

    public UpstreamConfig upstream() {
        return config.upstream();
    }

    /** The route's path, normalised like request paths. */
    public String path() {
        return path;
    }

    public RouteConfig.PathMatch pathMatch() {
        return config.pathMatch();
    }

    /** This route's body limit, or {@code defaultLimit} (the listener's) when it sets none. */
    public long maxRequestBodyBytes(long defaultLimit) {
        Long own = config.maxRequestBodyBytes();
        return own != null ? own : defaultLimit;
    }

    /** Whether this route's path matches {@code normalizedPath} (hosts and methods not considered). */
    public boolean matchesPath(String normalizedPath) {
        if (config.pathMatch() == RouteConfig.PathMatch.EXACT) {
            return path.equals(normalizedPath);
        }
        int n = path.length();
        return normalizedPath.startsWith(path)
                && (normalizedPath.length() == n || path.charAt(n - 1) == '/' || normalizedPath.charAt(n) == '/');
    }

    /**
     * The path to send upstream for {@code normalizedPath}, which this route matched.
     * <ul>
     *   <li>NONE: {@code normalizedPath} itself;</li>
     *   <li>STRIP_PREFIX on {@code /api}: {@code /api/users} becomes {@code /users}, {@code /api}
     *       becomes {@code /}; on {@code /} nothing changes;</li>
     *   <li>REPLACE_PREFIX {@code /api} by {@code /v2}: {@code /api/users} becomes
     *       {@code /v2/users}, {@code /api} becomes {@code /v2}; by {@code /}: {@code /users} and
     *       {@code /}. When nothing follows the prefix the result is {@code rewriteTo} as written.</li>
     * </ul>
     * The join never produces {@code //}.
     *
     * @throws IllegalArgumentException if this route does not match {@code normalizedPath}
     */
    public String rewrite(String normalizedPath) {
        RouteConfig.Rewrite mode = config.rewrite();
        if (mode == RouteConfig.Rewrite.NONE) {
            return normalizedPath;
        }
        if (!matchesPath(normalizedPath)) {
            throw new IllegalArgumentException("route '" + id() + "' does not match " + normalizedPath);
        }
        // rest is "" or starts with '/', since strippedPrefix never ends with '/'
        String rest = normalizedPath.substring(strippedPrefix.length());
        if (mode == RouteConfig.Rewrite.STRIP_PREFIX) {
            return rest.isEmpty() ? "/" : rest;
        }
        if (rest.isEmpty()) {
            return replacement;
        }
        return replacementBase.isEmpty() ? rest : replacementBase.concat(rest);
    }

    @Override
    public String toString() {
        return "Route[" + id() + " " + config.pathMatch() + " " + path
                + (config.hosts().isEmpty() ? "" : " hosts=" + config.hosts())
                + (config.methods().isEmpty() ? "" : " methods=" + config.methods()) + "]";
    }
}
