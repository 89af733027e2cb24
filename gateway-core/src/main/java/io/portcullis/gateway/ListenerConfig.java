package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.util.Objects;

/**
 * One listening socket and what it speaks.
 *
 * @param name       a name for logs and metrics
 * @param host       bind address ({@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1}, ...)
 * @param port       TCP port; 0 picks a free one (see {@link Gateway#start()})
 * @param mode       what the listener serves
 * @param tls        certificates for {@link Mode#HTTPS}; must be null otherwise
 * @param httpsPort  for {@link Mode#REDIRECT}: the port named in the {@code Location} (443 is left out)
 * @param connectionLimits open connections allowed on this listener, in total and per client
 *                         (null: {@link ConnectionLimits#defaults()})
 * @param ipRules    which TCP peers may connect at all (null: {@link IpRules#none()}, everybody)
 */
public record ListenerConfig(String name, String host, int port, Mode mode, TlsConfig tls, int httpsPort,
                             ConnectionLimits connectionLimits, IpRules ipRules) {

    /** What a listener serves. */
    public enum Mode {
        /** TLS with ALPN {@code h2} and {@code http/1.1}, proxying to routes. */
        HTTPS,
        /** Cleartext HTTP/1.1 and HTTP/2 with prior knowledge (h2c), proxying to routes; for internal use. */
        HTTP,
        /**
         * Cleartext HTTP that answers {@code 301} to the HTTPS URL, except ACME http-01 challenges
         * ({@code /.well-known/acme-challenge/}) and the health path.
         */
        REDIRECT
    }

    public ListenerConfig {
        ConfigException.required(mode, "mode", "HTTPS, HTTP or REDIRECT");
        name = name == null || name.isBlank() ? mode.name().toLowerCase(java.util.Locale.ROOT) + "-" + port : name;
        host = host == null || host.isBlank() ? "0.0.0.0" : host.trim();
        check(port >= 0 && port <= 65535, "port", port + " (expected: 0-65535)");
        if (mode == Mode.HTTPS) {
            ConfigException.required(tls, "tls", "certificates for an HTTPS listener");
        } else {
            check(tls == null, "tls", "set on a " + mode + " listener (expected: only on HTTPS listeners)");
        }
        if (mode == Mode.REDIRECT) {
            check(httpsPort > 0 && httpsPort <= 65535, "httpsPort", httpsPort + " (expected: 1-65535)");
        }
        connectionLimits = connectionLimits == null ? ConnectionLimits.defaults() : connectionLimits;
        ipRules = ipRules == null ? IpRules.none() : ipRules;
    }

    /** A listener with default connection limits and no IP rules (the form before those existed). */
    public ListenerConfig(String name, String host, int port, Mode mode, TlsConfig tls, int httpsPort) {
        this(name, host, port, mode, tls, httpsPort, null, null);
    }

    /** An HTTPS listener on all interfaces. */
    public static ListenerConfig https(int port, TlsConfig tls) {
        return new ListenerConfig(null, null, port, Mode.HTTPS, Objects.requireNonNull(tls, "tls"), 0);
    }

    /** A cleartext HTTP/1.1 + h2c listener on all interfaces. */
    public static ListenerConfig http(int port) {
        return new ListenerConfig(null, null, port, Mode.HTTP, null, 0);
    }

    /** A listener that redirects to HTTPS on {@code httpsPort}. */
    public static ListenerConfig redirect(int port, int httpsPort) {
        return new ListenerConfig(null, null, port, Mode.REDIRECT, null, httpsPort);
    }

    /** This listener bound to another address. */
    public ListenerConfig bind(String bindHost) {
        return new ListenerConfig(name, bindHost, port, mode, tls, httpsPort, connectionLimits, ipRules);
    }

    /** This listener under another name. */
    public ListenerConfig named(String newName) {
        return new ListenerConfig(newName, host, port, mode, tls, httpsPort, connectionLimits, ipRules);
    }

    /** This listener with other connection limits. */
    public ListenerConfig withConnectionLimits(ConnectionLimits limits) {
        return new ListenerConfig(name, host, port, mode, tls, httpsPort, limits, ipRules);
    }

    /** This listener accepting only the TCP peers {@code rules} allow. */
    public ListenerConfig withIpRules(IpRules rules) {
        return new ListenerConfig(name, host, port, mode, tls, httpsPort, connectionLimits, rules);
    }
}
