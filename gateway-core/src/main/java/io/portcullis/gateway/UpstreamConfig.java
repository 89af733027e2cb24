package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

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
 * @param sni                 for https: the TLS SNI name, also the name the upstream's certificate is verified
 *                            against, instead of the URL's host; null uses the host (no SNI for an IP address)
 */
public record UpstreamConfig(URI url, Path trustedCertificates, boolean preserveHost, CertificateConfig clientCertificate,
                             String sni) {

    /** Without a client certificate. */
    public UpstreamConfig(URI url, Path trustedCertificates, boolean preserveHost) {
        this(url, trustedCertificates, preserveHost, null, null);
    }

    /** With the URL's host as SNI name. */
    public UpstreamConfig(URI url, Path trustedCertificates, boolean preserveHost, CertificateConfig clientCertificate) {
        this(url, trustedCertificates, preserveHost, clientCertificate, null);
    }

    public UpstreamConfig {
        String scheme = OriginUrls.check(url);
        check(trustedCertificates == null || scheme.equals("https"), "trustedCertificates",
                "set for a plain http upstream (expected: only with https)");
        check(clientCertificate == null || scheme.equals("https"), "clientCertificate",
                "set for a plain http upstream (expected: only with https)");
        check(sni == null || scheme.equals("https"), "sni", "set for a plain http upstream (expected: only with https)");
        check(sni == null || ClusterConfig.validSni(sni), "sni",
                "'" + sni + "' (expected: a DNS host name such as upstream.example.com; SNI cannot carry an IP address)");
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
        return OriginUrls.secure(url);
    }

    /** The host, without IPv6 brackets. */
    public String host() {
        return OriginUrls.host(url);
    }

    public int port() {
        return OriginUrls.port(url);
    }

    /** The authority as sent in {@code Host} when the client's is not preserved. */
    public String authority() {
        return OriginUrls.authority(url);
    }

    public UpstreamConfig withTrustedCertificates(Path caBundle) {
        return new UpstreamConfig(url, caBundle, preserveHost, clientCertificate, sni);
    }

    public UpstreamConfig withPreserveHost(boolean preserve) {
        return new UpstreamConfig(url, trustedCertificates, preserve, clientCertificate, sni);
    }

    /** Presents {@code certificate} to the upstream (mutual TLS). */
    public UpstreamConfig withClientCertificate(CertificateConfig certificate) {
        return new UpstreamConfig(url, trustedCertificates, preserveHost, certificate, sni);
    }

    /** Sends {@code name} as TLS SNI and verifies the upstream's certificate against it. */
    public UpstreamConfig withSni(String name) {
        return new UpstreamConfig(url, trustedCertificates, preserveHost, clientCertificate, name);
    }
}
