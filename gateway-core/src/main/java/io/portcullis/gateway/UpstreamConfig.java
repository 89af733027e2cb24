package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a route sends its requests: one HTTP/1.1 origin, reached over keep-alive connections.
 *
 * @param url                 {@code http://host[:port]} or {@code https://host[:port]}, without a path
 *                            (use the route's rewrite to change paths)
 * @param trustedCertificates for https: a PEM bundle of CA certificates to trust instead of the JDK's
 *                            default trust store; null uses the default
 * @param preserveHost        send the client's {@code Host} upstream (true, the default) or the upstream's
 *                            own authority (false, like nginx's default {@code proxy_set_header Host $proxy_host})
 * @param clientCertificate   for https: the certificate and key the gateway presents to the upstream (mutual
 *                            TLS to the upstream), or null
 */
public record UpstreamConfig(URI url, Path trustedCertificates, boolean preserveHost, CertificateConfig clientCertificate) {

    /** Without a client certificate. */
    public UpstreamConfig(URI url, Path trustedCertificates, boolean preserveHost) {
        this(url, trustedCertificates, preserveHost, null);
    }

    public UpstreamConfig {
        ConfigException.required(url, "url", "http://host[:port] or https://host[:port]");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        check(scheme.equals("http") || scheme.equals("https"), "url",
                "'" + url + "' (expected: scheme http or https)");
        check(url.getHost() != null && !url.getHost().isEmpty(), "url", "'" + url + "' has no host");
        check(url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"), "url",
                "'" + url + "' has a path (expected: none; use the route's stripPrefix/replacePrefix)");
        check(url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null, "url",
                "'" + url + "' (expected: no user info, query or fragment)");
        check(trustedCertificates == null || scheme.equals("https"), "trustedCertificates",
                "set for a plain http upstream (expected: only with https)");
        check(clientCertificate == null || scheme.equals("https"), "clientCertificate",
                "set for a plain http upstream (expected: only with https)");
    }

    /** An upstream at {@code url}, with default trust and the client's Host preserved. */
    public static UpstreamConfig of(String url) {
        try {
            return new UpstreamConfig(new URI(url), null, true);
        } catch (URISyntaxException e) {
            throw new ConfigException("url", "'" + url + "' is not a URL: " + e.getReason());
        }
    }

    public boolean secure() {
        return url.getScheme().equalsIgnoreCase("https");
    }

    public String host() {
        String h = url.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    public int port() {
        return url.getPort() > 0 ? url.getPort() : secure() ? 443 : 80;
    }

    /** The authority as sent in {@code Host} when the client's is not preserved. */
    public String authority() {
        boolean defaultPort = url.getPort() < 0 || url.getPort() == (secure() ? 443 : 80);
        return defaultPort ? url.getHost() : url.getHost() + ":" + url.getPort();
    }

    public UpstreamConfig withTrustedCertificates(Path caBundle) {
        return new UpstreamConfig(url, caBundle, preserveHost, clientCertificate);
    }

    public UpstreamConfig withPreserveHost(boolean preserve) {
        return new UpstreamConfig(url, trustedCertificates, preserve, clientCertificate);
    }

    /** Presents {@code certificate} to the upstream (mutual TLS). */
    public UpstreamConfig withClientCertificate(CertificateConfig certificate) {
        return new UpstreamConfig(url, trustedCertificates, preserveHost, certificate);
    }
}
