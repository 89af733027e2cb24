package io.portcullis.gateway;

import java.net.URI;
import java.util.Locale;

/** The rules and parts of an origin URL ({@code http(s)://host[:port]}), shared by upstreams and cluster endpoints. */
final class OriginUrls {
    private OriginUrls() {
    }

    /** Checks {@code url} (field {@code url}); returns its lower-case scheme. */
    static String check(URI url) {
        ConfigException.required(url, "url", "http://host[:port] or https://host[:port]");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        ConfigException.check(scheme.equals("http") || scheme.equals("https"), "url",
                "'" + url + "' (expected: scheme http or https)");
        ConfigException.check(url.getHost() != null && !url.getHost().isEmpty(), "url", "'" + url + "' has no host");
        ConfigException.check(url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"), "url",
                "'" + url + "' has a path (expected: none; use the route's stripPrefix/replacePrefix)");
        ConfigException.check(url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null, "url",
                "'" + url + "' (expected: no user info, query or fragment)");
        return scheme;
    }

    static boolean secure(URI url) {
        return url.getScheme().equalsIgnoreCase("https");
    }

    /** The host, without IPv6 brackets. */
    static String host(URI url) {
        String h = url.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : secure(url) ? 443 : 80;
    }

    /** The authority as sent in {@code Host} when the client's is not preserved (the default port left out). */
    static String authority(URI url) {
        boolean defaultPort = url.getPort() < 0 || url.getPort() == (secure(url) ? 443 : 80);
        return defaultPort ? url.getHost() : url.getHost() + ":" + url.getPort();
    }
}
