package io.portcullis.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.portcullis.gateway.internal.netty.GatewayRuntime;
import io.portcullis.gateway.internal.netty.Transport;
import io.portcullis.gateway.internal.netty.ListenerSockets;
import io.portcullis.gateway.internal.policy.RetainedState;
import io.portcullis.gateway.observe.GatewayMetrics;
import io.portcullis.gateway.policy.BackendStatus;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.ProviderContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Portcullis gateway: listeners, TLS, routing and proxying, built from one immutable
 * {@link GatewayConfig}.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.builder()
 *         .listener(ListenerConfig.https(8443, TlsConfig.of(CertificateConfig.of(chain, key))))
 *         .route(RouteConfig.prefix("/api").to("http://127.0.0.1:8080").build())
 *         .build()) {
 *     gateway.start();
 *     ...
 * } // close() drains in-flight requests, then stops
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private volatile GatewayConfig config;
    private final GatewayMetrics metrics;
    private final AcmeChallenges acme;
    private final Transport transport;
    private final ListenerSockets listeners;
    private final GatewayRuntime.Prepared prepared;
    /** The current configuration's upstream client certificates, read by the expiry gauges. */
    private volatile Map<String, java.security.cert.X509Certificate> upstreamClientCertificates;
    private final ThreadPoolExecutor blocking;
    private final ScheduledThreadPoolExecutor timer;
    private final List<PolicyProvider> policyProviders;
    /** What the current configuration's policies asked to close on shutdown; replaced by a reload. */
    private volatile List<AutoCloseable> providerResources = new CopyOnWriteArrayList<>();
    /** Earlier configurations' resources, closed once their last request can no longer be running. */
    private final List<List<AutoCloseable>> retiredResources = new CopyOnWriteArrayList<>();
    /** What the current configuration's policies keep across reloads (local rate-limit counters). */
    private RetainedState retained = RetainedState.first();

    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private GatewayRuntime runtime;
    private ScheduledExecutorService tlsReloader;
    private boolean started;
    private boolean closed;

    private Gateway(GatewayConfig config, MeterRegistry registry, AcmeChallenges acme, Transport transport,
                    List<PolicyProvider> policyProviders) {
        this.policyProviders = List.copyOf(policyProviders);
        this.config = config;
        this.metrics = new GatewayMetrics(registry);
        this.acme = acme;
        this.transport = transport;
        this.listeners = new ListenerSockets(config.listeners(), metrics);
        this.blocking = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "portcullis-blocking");
            t.setDaemon(true);
            return t;
        });
        this.blocking.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "portcullis-timer");
            t.setDaemon(true);
            return t;
        });
        this.timer.setRemoveOnCancelPolicy(true);
        this.prepared = prepare(config, registry);
        trackUpstreamClientCertificates(prepared);
    }

    /**
     * Points the expiry gauges at the configuration's upstream client certificates; a gauge of a
     * certificate a reload removed reads NaN.
     */
    private void trackUpstreamClientCertificates(GatewayRuntime.Prepared p) {
        upstreamClientCertificates = p.upstreamClientCertificates();
        for (ClusterConfig cluster : p.config().clusters()) {
            if (cluster.clientCertificate() != null) {
                String id = GatewayRuntime.clientCertificateId(cluster.name(), cluster.clientCertificate());
                metrics.upstreamCertificateExpiry(cluster.name(), cluster.clientCertificate().certificateChain().toString(),
                        () -> upstreamClientCertificates.get(id));
            }
        }
        for (RouteConfig route : p.config().routes()) {
            UpstreamConfig up = route.upstream();
            if (up != null && up.secure() && up.clientCertificate() != null) {
                String id = GatewayRuntime.clientCertificateId(up.url().toString(), up.clientCertificate());
                metrics.upstreamCertificateExpiry(up.url().toString(), up.clientCertificate().certificateChain().toString(),
                        () -> upstreamClientCertificates.get(id));
            }
        }
    }

    private GatewayRuntime.Prepared prepare(GatewayConfig config, MeterRegistry meters) {
        try {
            return GatewayRuntime.prepare(config, providerContext(meters, blocking, timer, providerResources, retained),
                    policyProviders);
        } catch (RuntimeException e) {
            // a policy may already have scheduled work (a JWKS fetch) or opened a client before a later one failed
            timer.shutdownNow();
            blocking.shutdownNow();
            closeProviderResources();
            throw e;
        }
    }

    private void closeProviderResources() {
        close(providerResources);
        for (List<AutoCloseable> retired : retiredResources) {
            close(retired);
        }
        retiredResources.clear();
    }

    private static void close(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", r, e.toString());
            }
        }
        resources.clear();
    }

    private static ProviderContext providerContext(MeterRegistry meters, ExecutorService blockingExecutor,
                                                   ScheduledExecutorService timerExecutor, List<AutoCloseable> resources,
                                                   RetainedState retained) {
        return new ProviderContext() {
            @Override
            public MeterRegistry meterRegistry() {
                return meters;
            }

            @Override
            public Executor blockingExecutor() {
                return blockingExecutor;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
                return timerExecutor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            }

            @Override
            public void closeOnShutdown(AutoCloseable resource) {
                resources.add(Objects.requireNonNull(resource, "resource"));
            }

            @Override
            public <T> T retained(String key, Class<T> type, Supplier<? extends T> create) {
                return retained.get(key, type, create);
            }
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A gateway for an already built configuration (the YAML and Spring front ends use this). */
    public static Gateway create(GatewayConfig config, MeterRegistry registry) {
        return create(config, registry, List.of(), AcmeChallenges.NONE);
    }

    /**
     * Like {@link #create(GatewayConfig, MeterRegistry)}, with policy types supplied in code (e.g. Spring
     * beans) besides those found by {@link java.util.ServiceLoader}, and the ACME challenges to answer.
     */
    public static Gateway create(GatewayConfig config, MeterRegistry registry, List<PolicyProvider> policyProviders,
                                 AcmeChallenges acme) {
        return new Gateway(Objects.requireNonNull(config, "config"), registry == null ? new CompositeMeterRegistry() : registry,
                Objects.requireNonNull(acme, "acme"), Transport.of(config.transport()),
                Objects.requireNonNull(policyProviders, "policyProviders"));
    }

    public GatewayConfig config() {
        return config;
    }

    /** The transport the event loops run on: io_uring, epoll or nio. */
    String transportName() {
        return transport.name();
    }

    /**
     * Binds every listener and starts serving. Returns the bound address of each listener by name
     * (useful with port 0). If one listener cannot bind, the others are closed again and the
     * exception names the listener.
     */
    public synchronized Map<String, InetSocketAddress> start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        boss = transport.newGroup(1, "portcullis-accept");
        workers = transport.newGroup(config.ioThreads(), "portcullis-io");
        try {
            runtime = new GatewayRuntime(prepared, transport, workers, metrics, acme);
            tlsReloader = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "portcullis-tls-reload");
                t.setDaemon(true);
                return t;
            });
            listeners.start(transport, boss, workers, runtime, tlsReloader);
        } catch (RuntimeException e) {
            shutdown(Duration.ZERO);
            throw e;
        }
        return listeners.addresses();
    }

    /**
     * Puts a new configuration in force without dropping anything: new requests use its routes,
     * policies, limits, timeouts, trusted proxies, health path and request-id rule; requests in flight
     * finish with the configuration they started with. Listeners are matched by address and port: one
     * still configured keeps its socket and open connections, and its new settings (TLS certificates,
     * connection limits, IP rules, mode) apply to the connections it accepts next; a new address is
     * bound; a listener no longer configured stops accepting and its connections wind down as in a
     * graceful shutdown. Limits and timeouts that shape a connection (header sizes, HTTP/2 settings,
     * handshake timeout) apply to connections opened after the reload.
     *
     * <p>Everything is checked first (policies compiled, certificates read, new ports bound): if
     * anything fails, a {@link ConfigException} names the field and the running configuration stays
     * untouched. Only {@code ioThreads} and {@code transport} need a restart. Call it from any thread but an event loop: it
     * waits until every loop has switched.
     */
    public synchronized void reload(GatewayConfig next) {
        Objects.requireNonNull(next, "config");
        if (!started || closed) {
            throw new IllegalStateException("the gateway is not running");
        }
        GatewayConfig now = config;
        ConfigException.check(now.ioThreads() == next.ioThreads(), "ioThreads",
                "changed (from " + now.ioThreads() + " to " + next.ioThreads() + "); event-loop threads need a restart");
        ConfigException.check(now.transport() == next.transport(), "transport",
                "changed (from " + now.transport() + " to " + next.transport() + "); the event loops need a restart");
        ListenerSockets.Plan sockets = listeners.plan(next.listeners());
        // the new policies get resources of their own: a failed reload closes only those, a good one
        // retires the old ones once no request that started before it can still be running
        List<AutoCloseable> nextResources = new CopyOnWriteArrayList<>();
        RetainedState nextRetained = retained.successor();
        GatewayRuntime.Prepared p;
        try {
            p = GatewayRuntime.prepare(next, providerContext(metrics.registry(), blocking, timer, nextResources, nextRetained),
                    policyProviders);
            listeners.bindNew(sockets);
        } catch (RuntimeException e) {
            listeners.discard(sockets);
            close(nextResources);
            throw e;
        }
        runtime.swap(p);
        listeners.commit(sockets);
        config = next;
        retained = nextRetained;
        trackUpstreamClientCertificates(p);
        List<AutoCloseable> retired = providerResources;
        providerResources = nextResources;
        if (!retired.isEmpty()) {
            retiredResources.add(retired);
            timer.schedule(() -> {
                if (retiredResources.remove(retired)) {
                    close(retired);
                }
            }, now.timeouts().request().toNanos(), TimeUnit.NANOSECONDS);
        }
        LOG.info("Configuration reloaded: {} listener(s), {} route(s), {} gateway-wide polic{}", next.listeners().size(),
                next.routes().size(), next.policies().size(), next.policies().size() == 1 ? "y" : "ies");
    }

    /** The bound address of every listener by name, in configuration order (empty before {@link #start()}). */
    public synchronized Map<String, InetSocketAddress> addresses() {
        return listeners.addresses();
    }

    /** The bound address of a listener, after {@link #start()}. */
    public synchronized InetSocketAddress address(String listenerName) {
        Map<String, InetSocketAddress> addresses = listeners.addresses();
        InetSocketAddress a = addresses.get(listenerName);
        if (a == null) {
            throw new IllegalArgumentException("no started listener named '" + listenerName + "' (have " + addresses.keySet() + ")");
        }
        return a;
    }

    /**
     * The services the current configuration's policies depend on (the Redis connections of
     * {@code backend: redis} rate limits), with their state now; empty once closed. For health checks.
     */
    public List<BackendStatus> backends() {
        List<BackendStatus> out = new ArrayList<>();
        for (AutoCloseable r : providerResources) {
            if (r instanceof BackendStatus b) {
                out.add(b);
            }
        }
        return out;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} has not been called. */
    public synchronized boolean isRunning() {
        return started && !closed && listeners.anyBound();
    }

    /**
     * Graceful stop: listeners stop accepting, HTTP/2 connections get GOAWAY, idle HTTP/1.1
     * connections close, in-flight requests have {@link Timeouts#drain()} to finish; then
     * everything left is closed.
     */
    @Override
    public synchronized void close() {
        shutdown(config.timeouts().drain());
    }

    private void shutdown(Duration drain) {
        if (closed) {
            return;
        }
        closed = true;
        listeners.closeSockets();
        if (runtime != null) {
            runtime.startDraining();
            long deadline = System.nanoTime() + drain.toNanos();
            while (runtime.openConnections() > 0 && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (runtime.openConnections() > 0) {
                LOG.warn("Drain timeout: closing {} connection(s) with requests still in flight", runtime.openConnections());
            }
            runtime.closeAll();
        }
        if (tlsReloader != null) {
            tlsReloader.shutdownNow();
        }
        timer.shutdownNow();
        closeProviderResources();
        blocking.shutdownNow();
        listeners.closeTls();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Builds a {@link Gateway}; {@link #build()} validates everything and reports the first problem by field. */
    public static final class Builder {
        private final List<ListenerConfig> listeners = new ArrayList<>();
        private final List<RouteConfig> routes = new ArrayList<>();
        private Limits limits = Limits.defaults();
        private Timeouts timeouts = Timeouts.defaults();
        private final List<String> trustedProxies = new ArrayList<>();
        private int ioThreads;
        private String healthPath = "/healthz";
        private boolean trustIncomingRequestId = true;
        private MeterRegistry meterRegistry;
        private AcmeChallenges acme = AcmeChallenges.NONE;
        private final List<PolicyProvider> policyProviders = new ArrayList<>();
        private IoTransport transport = IoTransport.AUTO;
        private final List<PolicySpec> policies = new ArrayList<>();
        private final List<ClusterConfig> clusters = new ArrayList<>();
        private CompressionConfig compression = CompressionConfig.disabled();

        private Builder() {
        }

        /** Starts from an existing configuration; later calls add to or replace its parts. */
        public Builder config(GatewayConfig c) {
            listeners.addAll(c.listeners());
            routes.addAll(c.routes());
            limits = c.limits();
            timeouts = c.timeouts();
            trustedProxies.addAll(c.trustedProxies());
            ioThreads = c.ioThreads();
            transport = c.transport();
            healthPath = c.healthPath();
            trustIncomingRequestId = c.trustIncomingRequestId();
            policies.addAll(c.policies());
            clusters.addAll(c.clusters());
            compression = c.compression();
            return this;
        }

        public Builder listener(ListenerConfig l) { listeners.add(Objects.requireNonNull(l, "listener")); return this; }
        public Builder route(RouteConfig r) { routes.add(Objects.requireNonNull(r, "route")); return this; }
        /** Adds a named cluster of upstream endpoints; routes target it with {@link RouteConfig.Builder#toCluster}. */
        public Builder cluster(ClusterConfig c) { clusters.add(Objects.requireNonNull(c, "cluster")); return this; }
        public Builder limits(Limits v) { limits = Objects.requireNonNull(v, "limits"); return this; }
        public Builder timeouts(Timeouts v) { timeouts = Objects.requireNonNull(v, "timeouts"); return this; }
        public Builder trustedProxies(String... cidrs) { trustedProxies.addAll(List.of(cidrs)); return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        /** Path the gateway answers itself on every listener; null turns it off. Default {@code /healthz}. */
        public Builder healthPath(String v) { healthPath = v; return this; }
        public Builder trustIncomingRequestId(boolean v) { trustIncomingRequestId = v; return this; }
        /** Appends a gateway-wide policy: it runs before every route's chain and also sees 404 responses. */
        public Builder policy(PolicySpec v) { policies.add(Objects.requireNonNull(v, "policy")); return this; }
        /** Response compression for every route that sets none of its own; off by default. */
        public Builder compression(CompressionConfig v) { compression = Objects.requireNonNull(v, "compression"); return this; }
        public Builder meterRegistry(MeterRegistry v) { meterRegistry = v; return this; }
        public Builder acmeChallenges(AcmeChallenges v) { acme = Objects.requireNonNull(v, "acme"); return this; }
        /** A policy type supplied in code, besides those found by {@link java.util.ServiceLoader}. */
        public Builder policyProvider(PolicyProvider v) { policyProviders.add(Objects.requireNonNull(v, "policyProvider")); return this; }
        /** The socket I/O layer; {@link IoTransport#AUTO} by default. */
        public Builder transport(IoTransport v) { transport = Objects.requireNonNull(v, "transport"); return this; }
        /** Forces the NIO transport even where a native one is available (tests, diagnostics). */
        public Builder nioTransport(boolean v) {
            transport = v ? IoTransport.NIO : transport == IoTransport.NIO ? IoTransport.AUTO : transport;
            return this;
        }

        public GatewayConfig buildConfig() {
            return new GatewayConfig(listeners, routes, limits, timeouts, trustedProxies, ioThreads, healthPath,
                    trustIncomingRequestId, policies, clusters, compression, transport);
        }

        public Gateway build() {
            GatewayConfig c = buildConfig();
            return new Gateway(c, meterRegistry == null ? new CompositeMeterRegistry() : meterRegistry, acme,
                    Transport.of(c.transport()), policyProviders);
        }
    }
}
