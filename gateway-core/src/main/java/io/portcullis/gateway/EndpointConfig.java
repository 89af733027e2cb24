package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One member of a {@link ClusterConfig}: an HTTP/1.1 origin and its share of the traffic.
 *
 * <p>A host name is resolved with Netty's asynchronous DNS resolver when a connection opens (never on
 * an event loop with the JDK's blocking resolver); answers are cached for their TTL, so a changed
 * record is picked up by the next connection after the TTL. A name with several addresses stays
 * one endpoint (one weight, one health state): each new connection uses the first address of the
 * current answer. List the addresses as separate endpoints to balance across them.
 *
 * @param url    {@code http://host:port} or {@code https://host:port}, without a path
 * @param weight relative share for round-robin and hashing, 1-1000 (least-request ignores it)
 */
public record EndpointConfig(URI url, int weight) {
    public static final int MAX_WEIGHT = 1000;

    public EndpointConfig {
        OriginUrls.check(url);
        check(weight >= 1 && weight <= MAX_WEIGHT, "weight", weight + " (expected: 1-" + MAX_WEIGHT + ")");
    }

    /** An endpoint of weight 1. */
    public static EndpointConfig of(String url) {
        return of(url, 1);
    }

    public static EndpointConfig of(String url, int weight) {
        try {
            return new EndpointConfig(new URI(url.trim()), weight);
        } catch (URISyntaxException e) {
            throw new ConfigException("url", "'" + url + "' is not a URL: " + e.getReason()
                    + " (expected: http://host[:port] or https://host[:port])");
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

    public EndpointConfig withWeight(int w) {
        return new EndpointConfig(url, w);
    }
}
