package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

/**
 * How many connections one listener keeps open, in total and per client (nginx's {@code limit_conn}).
 * A connection over a limit is closed as soon as it is accepted, before a byte is read (on an
 * HTTPS listener: before the TLS handshake), and counted in {@code portcullis.connections.rejected}.
 *
 * <p>A "client" is the TCP peer: one IPv4 address, or one IPv6 prefix of {@code clientIpv6Prefix}
 * bits (a /64 is what one subscriber usually gets, and a host can pick any address in it). Peers in
 * the gateway's {@code trustedProxies} are exempt from the per-client limit: a load balancer's
 * connections carry many clients, which only a per-request limit ({@code rate-limit}, keyed by the
 * forwarded client address) can tell apart.
 *
 * @param maxConnections          open connections on the listener; 0 = the gateway's
 *                                {@link Limits#maxConnections()} (10,000 by default)
 * @param maxConnectionsPerClient open connections from one client; 0 = no per-client limit (the default)
 * @param clientIpv6Prefix        IPv6 prefix length that makes one client, 1-128; 0 = 64
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerClient, int clientIpv6Prefix) {

    private static final ConnectionLimits DEFAULTS = new ConnectionLimits(0, 0, 64);

    public ConnectionLimits {
        check(maxConnections >= 0, "maxConnections",
                maxConnections + " (expected: >= 1, or 0 for the gateway's limits.maxConnections)");
        check(maxConnectionsPerClient >= 0, "maxConnectionsPerClient",
                maxConnectionsPerClient + " (expected: >= 1, or 0 for no per-client limit)");
        check(maxConnections == 0 || maxConnectionsPerClient <= maxConnections, "maxConnectionsPerClient",
                maxConnectionsPerClient + " is above maxConnections " + maxConnections
                        + " (expected: at most the listener's limit)");
        check(clientIpv6Prefix >= 0 && clientIpv6Prefix <= 128, "clientIpv6Prefix",
                clientIpv6Prefix + " (expected: 1-128, e.g. 64; 0 = 64)");
        clientIpv6Prefix = clientIpv6Prefix == 0 ? 64 : clientIpv6Prefix;
    }

    /** The listener limit of {@link Limits#maxConnections()}, no per-client limit, IPv6 clients by /64. */
    public static ConnectionLimits defaults() {
        return DEFAULTS;
    }

    /** At most {@code maxConnections} on the listener (0 = the gateway's limit) and {@code perClient} per client (0 = none). */
    public static ConnectionLimits of(int maxConnections, int perClient) {
        return new ConnectionLimits(maxConnections, perClient, 64);
    }

    /** The listener limit of {@link Limits#maxConnections()} and at most {@code perClient} per client. */
    public static ConnectionLimits perClient(int perClient) {
        return new ConnectionLimits(0, perClient, 64);
    }

    /** These limits with IPv6 clients grouped by {@code prefix} bits instead. */
    public ConnectionLimits withClientIpv6Prefix(int prefix) {
        check(prefix >= 1, "clientIpv6Prefix", prefix + " (expected: 1-128)");
        return new ConnectionLimits(maxConnections, maxConnectionsPerClient, prefix);
    }

    /** The listener's limit: its own, or the gateway-wide one. */
    public int effectiveMaxConnections(Limits limits) {
        return maxConnections > 0 ? maxConnections : limits.maxConnections();
    }
}
