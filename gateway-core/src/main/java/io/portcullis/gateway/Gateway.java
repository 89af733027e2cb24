package io.portcullis.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.portcullis.gateway.internal.netty.GatewayRuntime;
import io.portcullis.gateway.internal.netty.ServerInitializer;
import io.portcullis.gateway.internal.netty.Transport;
import io.portcullis.gateway.internal.tls.ServerTlsContexts;
import io.portcullis.gateway.observe.GatewayMetrics;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.ProviderContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
    private final AcmeHttpChallenges acme;
    private final Transport transport;
    private final List<ServerTlsContexts> tls;
    private final GatewayRuntime.Prepared prepared;
    private final ThreadPoolExecutor blocking;
    private final ScheduledThreadPoolExecutor timer;
    private final List<PolicyProvider> policyProviders;
    /** What the current configuration's policies asked to close on shutdown; replaced by a reload. */
    private volatile List<AutoCloseable> providerResources = new CopyOnWriteArrayList<>();
    /** Earlier configurations' resources, closed once their last request can no longer be running. */
    private final List<List<AutoCloseable>> retiredResources = new CopyOnWriteArrayList<>();

    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private GatewayRuntime runtime;
    private ScheduledExecutorService tlsReloader;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    private boolean started;
    private boolean closed;

    private Gateway(GatewayConfig config, MeterRegistry registry, AcmeHttpChallenges acme, Transport transport,
                    List<PolicyProvider> policyProviders) {
        this.policyProviders = List.copyOf(policyProviders);
        this.config = config;
        this.metrics = new GatewayMetrics(registry);
        this.acme = acme;
        this.transport = transport;
        List<ServerTlsContexts> contexts = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig l = config.listeners().get(i);
            if (l.tls() == null) {
                contexts.add(null);
                continue;
            }
            try {
                contexts.add(ServerTlsContexts.create(l.tls(), l.name()));
            } catch (ConfigException e) {
                throw e.under("listeners[" + i + "].tls");
            }
        }
        this.tls = contexts;
        for (int i = 0; i < contexts.size(); i++) {
            ServerTlsContexts t = contexts.get(i);
            if (t != null) {
                for (int c = 0; c < t.currentLeafCertificates().size(); c++) {
                    int index = c;
                    metrics.certificateExpiry(config.listeners().get(i).name(), c, () -> t.currentLeafCertificates().get(index));
                }
            }
        }
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
    }

    private GatewayRuntime.Prepared prepare(GatewayConfig config, MeterRegistry meters) {
        try {
            return GatewayRuntime.prepare(config, providerContext(meters, blocking, timer, providerResources), policyProviders);
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
                                                   ScheduledExecutorService timerExecutor, List<AutoCloseable> resources) {
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
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A gateway for an already built configuration (the YAML and Spring front ends use this). */
    public static Gateway create(GatewayConfig config, MeterRegistry registry) {
        return create(config, registry, List.of(), AcmeHttpChallenges.NONE);
    }

    /**
     * Like {@link #create(GatewayConfig, MeterRegistry)}, with policy types supplied in code (e.g. Spring
     * beans) besides those found by {@link java.util.ServiceLoader}, and the ACME challenges to answer.
     */
    public static Gateway create(GatewayConfig config, MeterRegistry registry, List<PolicyProvider> policyProviders,
                                 AcmeHttpChallenges acme) {
        return new Gateway(Objects.requireNonNull(config, "config"), registry == null ? new CompositeMeterRegistry() : registry,
                Objects.requireNonNull(acme, "acme"), Transport.best(), Objects.requireNonNull(policyProviders, "policyProviders"));
    }

    public GatewayConfig config() {
        return config;
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
            for (ServerTlsContexts t : tls) {
                if (t != null) {
                    t.startWatching(tlsReloader);
                }
            }
            for (int i = 0; i < config.listeners().size(); i++) {
                ListenerConfig l = config.listeners().get(i);
                ServerBootstrap b = new ServerBootstrap()
                        .group(boss, workers)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                        .childHandler(new ServerInitializer(runtime, l, tls.get(i)));
                Channel ch;
                try {
                    ch = b.bind(l.host(), l.port()).syncUninterruptibly().channel();
                } catch (Exception e) { // Netty rethrows the bind's IOException unchecked: catch it too
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("listener '" + l.name() + "' cannot bind " + l.host() + ":"
                            + l.port() + ": " + e.getMessage(), e);
                }
                serverChannels.add(ch);
                InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
                addresses.put(l.name(), bound);
                LOG.info("Portcullis listener '{}' ({}) on {} [{}{}]", l.name(), l.mode(), bound, transport.name(),
                        tls.get(i) == null ? "" : tls.get(i).openSsl() ? ", BoringSSL" : ", JDK TLS");
            }
        } catch (RuntimeException e) {
            shutdown(Duration.ZERO);
            throw e;
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
    }

    /**
     * Puts a new configuration in force without dropping anything: new requests use its routes,
     * policies, trusted proxies, health path and request-id rule; requests in flight finish with the
     * configuration they started with; connections and listeners stay open. The new configuration
     * is compiled first: if it is invalid, a {@link ConfigException} names the field and the running
     * configuration stays. Listeners, limits, timeouts and ioThreads cannot change this way (a
     * {@link ConfigException} says so): they need a restart. Call it from any thread but an event
     * loop: it waits until every loop has switched.
     */
    public synchronized void reload(GatewayConfig next) {
        Objects.requireNonNull(next, "config");
        if (!started || closed) {
            throw new IllegalStateException("the gateway is not running");
        }
        GatewayConfig now = config;
        requireUnchanged("listeners", now.listeners(), next.listeners());
        requireUnchanged("limits", now.limits(), next.limits());
        requireUnchanged("timeouts", now.timeouts(), next.timeouts());
        requireUnchanged("ioThreads", now.ioThreads(), next.ioThreads());
        // the new policies get resources of their own: a failed reload closes only those, a good one
        // retires the old ones once no request that started before it can still be running
        List<AutoCloseable> nextResources = new CopyOnWriteArrayList<>();
        GatewayRuntime.Prepared p;
        try {
            p = GatewayRuntime.prepare(next, providerContext(metrics.registry(), blocking, timer, nextResources), policyProviders);
        } catch (RuntimeException e) {
            close(nextResources);
            throw e;
        }
        runtime.swap(p);
        config = next;
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
        LOG.info("Configuration reloaded: {} route(s), {} gateway-wide polic{}", next.routes().size(),
                next.policies().size(), next.policies().size() == 1 ? "y" : "ies");
    }

    private static void requireUnchanged(String field, Object now, Object next) {
        ConfigException.check(Objects.equals(now, next), field, "changed; a reload applies routes, policies, "
                + "trustedProxies, healthPath and trustIncomingRequestId (listeners, limits, timeouts and ioThreads need a restart)");
    }

    /** The bound address of a listener, after {@link #start()}. */
    public synchronized InetSocketAddress address(String listenerName) {
        InetSocketAddress a = addresses.get(listenerName);
        if (a == null) {
            throw new IllegalArgumentException("no started listener named '" + listenerName + "' (have " + addresses.keySet() + ")");
        }
        return a;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} has not been called. */
    public synchronized boolean isRunning() {
        return started && !closed && !serverChannels.isEmpty();
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
        for (Channel ch : serverChannels) {
            ch.close().syncUninterruptibly();
        }
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
        for (ServerTlsContexts t : tls) {
            if (t != null) {
                t.close();
            }
        }
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
        private AcmeHttpChallenges acme = AcmeHttpChallenges.NONE;
        private final List<PolicyProvider> policyProviders = new ArrayList<>();
        private boolean nio;
        private final List<PolicySpec> policies = new ArrayList<>();

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
            healthPath = c.healthPath();
            trustIncomingRequestId = c.trustIncomingRequestId();
            policies.addAll(c.policies());
            return this;
        }

        public Builder listener(ListenerConfig l) { listeners.add(Objects.requireNonNull(l, "listener")); return this; }
        public Builder route(RouteConfig r) { routes.add(Objects.requireNonNull(r, "route")); return this; }
        public Builder limits(Limits v) { limits = Objects.requireNonNull(v, "limits"); return this; }
        public Builder timeouts(Timeouts v) { timeouts = Objects.requireNonNull(v, "timeouts"); return this; }
        public Builder trustedProxies(String... cidrs) { trustedProxies.addAll(List.of(cidrs)); return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        /** Path the gateway answers itself on every listener; null turns it off. Default {@code /healthz}. */
        public Builder healthPath(String v) { healthPath = v; return this; }
        public Builder trustIncomingRequestId(boolean v) { trustIncomingRequestId = v; return this; }
        /** Appends a gateway-wide policy: it runs before every route's chain and also sees 404 responses. */
        public Builder policy(PolicySpec v) { policies.add(Objects.requireNonNull(v, "policy")); return this; }
        public Builder meterRegistry(MeterRegistry v) { meterRegistry = v; return this; }
        public Builder acmeHttpChallenges(AcmeHttpChallenges v) { acme = Objects.requireNonNull(v, "acme"); return this; }
        /** A policy type supplied in code, besides those found by {@link java.util.ServiceLoader}. */
        public Builder policyProvider(PolicyProvider v) { policyProviders.add(Objects.requireNonNull(v, "policyProvider")); return this; }
        /** Forces the NIO transport even where native epoll is available (tests, diagnostics). */
        public Builder nioTransport(boolean v) { nio = v; return this; }

        public GatewayConfig buildConfig() {
            return new GatewayConfig(listeners, routes, limits, timeouts, trustedProxies, ioThreads, healthPath,
                    trustIncomingRequestId, policies);
        }

        public Gateway build() {
            GatewayConfig c = buildConfig();
            return new Gateway(c, meterRegistry == null ? new CompositeMeterRegistry() : meterRegistry, acme,
                    nio ? Transport.nio() : Transport.best(), policyProviders);
        }
    }
}
