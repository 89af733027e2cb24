package io.portcullis.gateway.internal.netty;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.portcullis.gateway.ConnectionLimits;
import io.portcullis.gateway.IpRules;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.internal.net.CidrSet;
import io.portcullis.gateway.internal.net.ClientPrefix;
import io.portcullis.gateway.observe.GatewayMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, as a connection is accepted and before any byte of it is read, whether one listener
 * keeps it: the listener's IP rules, then its connection limit, then the per-client limit. A
 * refused connection is closed at once (on HTTPS before the handshake begins) and counted.
 *
 * <p>Counts are exact across event loops: the listener's is taken by compare-and-set, so it never
 * passes the limit even for a moment, and a client's inside its map entry's lock. What was taken
 * is given back by the channel's close future, which completes exactly once.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final String listener;
    private final CidrSet allow;
    private final CidrSet deny;
    private final CidrSet trustedProxies;
    private final int maxConnections;
    private final int ipv6Prefix;
    private final AtomicInteger open;
    private final ClientConnectionCounts perClient; // null: no per-client limit
    private final Counter refusedByRules;
    private final Counter refusedListenerFull;
    private final Counter refusedClientFull;
    private final ChannelFutureListener releaseListenerSlot;

    /**
     * @param previous the guard this one replaces on the same socket after a reload, or null: its
     *                 connections stay counted (they still hold their slots), so a reload never lets a
     *                 listener or a client past its limit
     */
    ConnectionGuard(ListenerConfig config, GatewayRuntime runtime, ConnectionGuard previous) {
        GatewayMetrics metrics = runtime.metrics();
        ConnectionLimits limits = config.connectionLimits();
        IpRules rules = config.ipRules();
        this.listener = config.name();
        this.allow = CidrSet.of(rules.allow());
        this.deny = CidrSet.of(rules.deny());
        this.trustedProxies = runtime.trustedProxies();
        this.maxConnections = limits.effectiveMaxConnections(runtime.limits());
        this.ipv6Prefix = limits.clientIpv6Prefix();
        this.open = previous != null ? previous.open : metrics.openConnections(listener);
        // the same clients keep their counts (by the same prefix length) under the new limit
        boolean keepCounts = previous != null && previous.perClient != null && previous.ipv6Prefix == ipv6Prefix;
        this.perClient = limits.maxConnectionsPerClient() <= 0 ? null
                : keepCounts ? previous.perClient : new ClientConnectionCounts(limits.maxConnectionsPerClient());
        if (keepCounts && perClient != null) {
            perClient.limit(limits.maxConnectionsPerClient());
        }
        if (perClient != null && !keepCounts) {
            metrics.trackedClients(listener, perClient, ClientConnectionCounts::clients);
        }
        this.refusedByRules = metrics.connectionsRejected(listener, "ip-rules");
        this.refusedListenerFull = metrics.connectionsRejected(listener, "listener-limit");
        this.refusedClientFull = metrics.connectionsRejected(listener, "client-limit");
        this.releaseListenerSlot = f -> open.decrementAndGet();
    }

    /** Whether {@code ch} may stay; if not it is already being closed. Runs on the channel's event loop. */
    boolean admit(Channel ch) {
        InetAddress peer = ch.remoteAddress() instanceof InetSocketAddress isa ? isa.getAddress() : null;
        if (peer != null && (deny.contains(peer) || (!allow.isEmpty() && !allow.contains(peer)))) {
            return refuse(ch, refusedByRules, "IP rules", peer);
        }
        int n;
        do {
            n = open.get();
            if (n >= maxConnections) {
                return refuse(ch, refusedListenerFull, "listener connection limit " + maxConnections, peer);
            }
        } while (!open.compareAndSet(n, n + 1));
        // a trusted proxy's connections carry many clients: only per-request limits can tell them apart
        if (perClient != null && peer != null && !trustedProxies.contains(peer)) {
            ClientConnectionCounts.Lease lease = perClient.tryAcquire(ClientPrefix.of(peer, ipv6Prefix));
            if (lease == null) {
                open.decrementAndGet(); // before the close, so no one sees the refused connection counted
                return refuse(ch, refusedClientFull, "per-client connection limit", peer);
            }
            ch.closeFuture().addListener(lease);
        }
        ch.closeFuture().addListener(releaseListenerSlot);
        return true;
    }

    private boolean refuse(Channel ch, Counter counter, String why, InetAddress peer) {
        counter.increment();
        if (LOG.isDebugEnabled()) {
            LOG.debug("listener {}: connection from {} refused ({})", listener, peer, why);
        }
        try {
            // RST instead of FIN: a refused connection leaves no TIME_WAIT behind on the gateway
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException e) {
            // the socket is already gone: closing it is all that is left
        }
        ch.close();
        return false;
    }
}
