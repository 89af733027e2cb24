package io.portcullis.gateway.internal.netty;

import io.micrometer.core.instrument.Gauge;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.internal.tls.ServerTlsContexts;
import io.portcullis.gateway.observe.GatewayMetrics;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's listening sockets, and how a reload changes them without dropping anything.
 *
 * <p>A socket is identified by its bind address and port (a port-0 listener by its name). A reload
 * keeps every socket whose address stays configured, and only changes what its next connections get
 * (mode, TLS, connection limits, IP rules: {@link ServerInitializer#rebind}); it binds sockets for new
 * addresses, and closes the sockets of addresses no longer configured, whose open connections then
 * wind down as in a graceful shutdown (HTTP/1.1 closes after the response in progress, HTTP/2 gets
 * GOAWAY). Reloading is two-phase: {@link #plan} reads and checks every certificate, {@link #bindNew}
 * binds the new sockets (undone if one fails), and only then {@link #commit} switches, which cannot fail.
 *
 * <p>Not thread-safe: the gateway calls it under its own lock, never on an event loop.
 */
public final class ListenerSockets {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerSockets.class);

    /** One configured listener and, once started, its socket. */
    private static final class Socket {
        ListenerConfig config;
        ServerTlsContexts tls;
        List<Gauge> expiryGauges = List.of();
        ServerInitializer initializer;
        Channel channel;
    }

    /** A checked set of listeners, ready to be bound and switched to. */
    public static final class Plan {
        private final List<ListenerConfig> listeners;
        private final List<ServerTlsContexts> tls;
        /** The TLS contexts made for this plan (not taken over from a running listener). */
        private final List<ServerTlsContexts> created;
        private final List<Socket> bound = new ArrayList<>();

        private Plan(List<ListenerConfig> listeners, List<ServerTlsContexts> tls, List<ServerTlsContexts> created) {
            this.listeners = listeners;
            this.tls = tls;
            this.created = created;
        }
    }

    private final GatewayMetrics metrics;
    private final Map<String, Socket> sockets = new LinkedHashMap<>();
    private Transport transport;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private GatewayRuntime runtime;
    private ScheduledExecutorService tlsWatcher;

    /** The first configuration's listeners, checked (certificates read) but not bound. */
    public ListenerSockets(List<ListenerConfig> listeners, GatewayMetrics metrics) {
        this.metrics = metrics;
        Plan first = plan(listeners);
        for (int i = 0; i < listeners.size(); i++) {
            Socket s = new Socket();
            s.config = listeners.get(i);
            s.tls = first.tls.get(i);
            s.expiryGauges = expiryGauges(s.config, s.tls);
            sockets.put(key(s.config), s);
        }
    }

    private static String key(ListenerConfig l) {
        return l.port() == 0 ? "name " + l.name() : l.host() + ":" + l.port();
    }

    /**
     * Reads and checks the certificates of {@code next}; a listener whose TLS settings did not change
     * keeps its contexts (and its view of the certificate files). Nothing running changes.
     *
     * @throws ConfigException naming {@code listeners[i].tls...}
     */
    public Plan plan(List<ListenerConfig> next) {
        List<ServerTlsContexts> tls = new ArrayList<>();
        List<ServerTlsContexts> created = new ArrayList<>();
        try {
            for (int i = 0; i < next.size(); i++) {
                ListenerConfig l = next.get(i);
                Socket running = sockets.get(key(l));
                if (l.tls() == null) {
                    tls.add(null);
                } else if (running != null && running.tls != null && l.tls().equals(running.config.tls())) {
                    tls.add(running.tls);
                } else {
                    try {
                        ServerTlsContexts t = ServerTlsContexts.create(l.tls(), l.name());
                        created.add(t);
                        tls.add(t);
                    } catch (ConfigException e) {
                        throw e.under("listeners[" + i + "].tls");
                    }
                }
            }
        } catch (RuntimeException e) {
            created.forEach(ServerTlsContexts::close);
            throw e;
        }
        return new Plan(List.copyOf(next), tls, created);
    }

    /** Gives up a plan that will not be used: closes what it created (and any socket it bound). */
    public void discard(Plan plan) {
        for (Socket s : plan.bound) {
            s.channel.close().syncUninterruptibly();
            runtime.drainConnectionsOf(s.channel);
        }
        plan.bound.clear();
        plan.created.forEach(ServerTlsContexts::close);
    }

    /** Binds every listener of the first configuration; on failure closes those already bound. */
    public void start(Transport transport, EventLoopGroup boss, EventLoopGroup workers, GatewayRuntime runtime,
                      ScheduledExecutorService tlsWatcher) {
        this.transport = transport;
        this.boss = boss;
        this.workers = workers;
        this.runtime = runtime;
        this.tlsWatcher = tlsWatcher;
        int i = 0;
        for (Socket s : sockets.values()) {
            if (s.tls != null) {
                s.tls.startWatching(tlsWatcher);
            }
            bind(s, i++);
        }
    }

    /**
     * Binds a socket for each listener of {@code plan} at an address not bound yet. If one cannot bind,
     * those bound for the plan are closed again and nothing running changed.
     *
     * @throws ConfigException naming {@code listeners[i].port}
     */
    public void bindNew(Plan plan) {
        Objects.requireNonNull(runtime, "not started");
        try {
            for (int i = 0; i < plan.listeners.size(); i++) {
                ListenerConfig l = plan.listeners.get(i);
                if (!sockets.containsKey(key(l))) {
                    Socket s = new Socket();
                    s.config = l;
                    s.tls = plan.tls.get(i);
                    try {
                        bind(s, i);
                    } catch (IllegalStateException e) {
                        throw new ConfigException("listeners[" + i + "].port", e.getMessage(), e);
                    }
                    plan.bound.add(s);
                }
            }
        } catch (RuntimeException e) {
            discard(plan);
            throw e;
        }
    }

    /**
     * Switches to {@code plan} (after {@link #bindNew}): kept sockets serve their next connections with
     * the new settings, sockets no longer configured close and their connections wind down.
     */
    public void commit(Plan plan) {
        Map<String, Socket> newlyBound = new HashMap<>();
        for (Socket s : plan.bound) {
            newlyBound.put(key(s.config), s);
        }
        Map<String, Socket> next = new LinkedHashMap<>();
        List<Socket> needGauges = new ArrayList<>();
        List<ServerTlsContexts> replaced = new ArrayList<>();
        for (int i = 0; i < plan.listeners.size(); i++) {
            ListenerConfig l = plan.listeners.get(i);
            ServerTlsContexts tls = plan.tls.get(i);
            Socket s = newlyBound.get(key(l));
            if (s != null) {
                LOG.info("Listener '{}' added by a reload", l.name());
                needGauges.add(s);
            } else {
                s = sockets.get(key(l));
                if (!l.equals(s.config) || tls != s.tls) {
                    s.initializer.rebind(l, tls);
                    LOG.info("Listener '{}' on {}: new settings for new connections", l.name(), s.channel.localAddress());
                }
                if (tls != s.tls || !l.name().equals(s.config.name())) {
                    s.expiryGauges.forEach(metrics::remove);
                    needGauges.add(s);
                }
                if (s.tls != null && tls != s.tls) {
                    replaced.add(s.tls);
                }
                s.config = l;
                s.tls = tls;
            }
            next.put(key(l), s);
        }
        for (Map.Entry<String, Socket> e : sockets.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                Socket old = e.getValue();
                LOG.info("Listener '{}' on {} removed by a reload: closed; its open connections wind down",
                        old.config.name(), old.channel.localAddress());
                old.channel.close().syncUninterruptibly();
                runtime.drainConnectionsOf(old.channel);
                old.expiryGauges.forEach(metrics::remove);
                if (old.tls != null) {
                    replaced.add(old.tls);
                }
            }
        }
        // stops their file watch and OCSP refresh; handshakes under way keep their context (freed by GC)
        replaced.forEach(ServerTlsContexts::close);
        // registered after every removal: a listener that moved keeps its name, and so its gauges' identity
        for (Socket s : needGauges) {
            s.expiryGauges = expiryGauges(s.config, s.tls);
        }
        for (ServerTlsContexts created : plan.created) {
            created.startWatching(tlsWatcher);
        }
        plan.bound.clear();
        sockets.clear();
        sockets.putAll(next);
    }

    private void bind(Socket s, int index) {
        ListenerConfig l = s.config;
        s.initializer = new ServerInitializer(runtime, l, s.tls);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(s.initializer);
        try {
            s.channel = b.bind(l.host(), l.port()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked: catch it too
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("listener '" + l.name() + "' cannot bind " + l.host() + ":"
                    + l.port() + ": " + e.getMessage(), e);
        }
        LOG.info("Portcullis listener '{}' ({}) on {} [{}{}]", l.name(), l.mode(), s.channel.localAddress(), transport.name(),
                s.tls == null ? "" : s.tls.openSsl() ? ", BoringSSL" : ", JDK TLS");
    }

    private List<Gauge> expiryGauges(ListenerConfig l, ServerTlsContexts tls) {
        if (tls == null) {
            return List.of();
        }
        List<Gauge> gauges = new ArrayList<>();
        for (int c = 0; c < tls.currentLeafCertificates().size(); c++) {
            int index = c;
            gauges.add(metrics.certificateExpiry(l.name(), c, () -> tls.currentLeafCertificates().get(index)));
        }
        return gauges;
    }

    /** The bound address of each listener, by name, in configuration order. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> a = new LinkedHashMap<>();
        for (Socket s : sockets.values()) {
            if (s.channel != null) {
                a.put(s.config.name(), (InetSocketAddress) s.channel.localAddress());
            }
        }
        return Collections.unmodifiableMap(a);
    }

    /** Whether any socket is bound. */
    public boolean anyBound() {
        return sockets.values().stream().anyMatch(s -> s.channel != null);
    }

    /** Stops accepting on every socket (the first step of a shutdown). */
    public void closeSockets() {
        for (Socket s : sockets.values()) {
            if (s.channel != null) {
                s.channel.close().syncUninterruptibly();
            }
        }
    }

    /** Stops watching certificate files (the last step of a shutdown). */
    public void closeTls() {
        for (Socket s : sockets.values()) {
            if (s.tls != null) {
                s.tls.close();
            }
        }
    }
}
