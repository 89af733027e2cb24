package io.portcullis.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.server.config.ConfigError;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.admin.AdminServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running standalone server: the gateway built from a {@link ServerConfig}, its Prometheus
 * registry (JVM, Netty allocator and gateway meters) and the admin listener.
 */
public final class PortcullisServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisServer.class);

    private final ConfigLoader loader;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private volatile ServerConfig config;
    private final Gateway gateway;
    private final Map<String, InetSocketAddress> addresses;
    private AdminServer admin;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PortcullisServer(ServerConfig config, ConfigLoader loader) {
        this.config = config;
        this.loader = loader;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        new NettyAllocatorMetrics(alloc instanceof ByteBufAllocatorMetricProvider p ? p : PooledByteBufAllocator.DEFAULT)
                .bindTo(registry);
        try {
            this.gateway = Gateway.create(config.gateway(), registry);
        } catch (ConfigException e) {
            gcMetrics.close();
            registry.close();
            throw loader.relate(config, e);
        }
        try {
            this.addresses = gateway.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (config.admin().enabled()) {
            try {
                admin = new AdminServer(config.admin(), () -> this.gateway, () -> this.config, registry);
            } catch (IOException | RuntimeException e) {
                close();
                throw new IllegalStateException("admin listener cannot bind " + config.admin().host() + ":"
                        + config.admin().port() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Builds and starts everything. Throws {@link ConfigError} for a configuration the core rejects
     * (certificate files, policy settings), {@link IllegalStateException} when a listener cannot bind.
     */
    public static PortcullisServer start(ServerConfig config, ConfigLoader loader) {
        return new PortcullisServer(Objects.requireNonNull(config, "config"), Objects.requireNonNull(loader, "loader"));
    }

    /** Checks everything a start would (certificate files, policies) without binding any socket. */
    public static void check(ServerConfig config, ConfigLoader loader) {
        try (Gateway g = Gateway.create(config.gateway(), null)) {
            LOG.debug("Configuration {} is valid ({} listeners, {} routes)", config.sourceName(),
                    g.config().listeners().size(), g.config().routes().size());
        } catch (ConfigException e) {
            throw loader.relate(config, e);
        }
    }

    /**
     * Applies a new configuration to the running gateway (see {@link Gateway#reload}): routes,
     * policies, trusted proxies. Throws {@link ConfigError} and keeps the running configuration when
     * the new one is invalid or changes what needs a restart. Admin listener changes are ignored
     * with a warning until the next restart.
     */
    public synchronized void reload(ServerConfig next) {
        ServerConfig now = config;
        try {
            gateway.reload(next.gateway());
        } catch (ConfigException e) {
            reloads("failure");
            throw loader.relate(next, e);
        }
        if (!next.admin().equals(now.admin())) {
            LOG.warn("The admin settings changed: they apply after a restart");
        }
        config = new ServerConfig(next.gateway(), now.admin(), next.source(), next.secretPaths());
        reloads("success");
    }

    /** Counts a reload attempt that failed before reaching the gateway (e.g. a YAML error). */
    public void reloadFailed() {
        reloads("failure");
    }

    private void reloads(String result) {
        registry.counter("portcullis.config.reloads", "result", result).increment();
    }

    public Gateway gateway() {
        return gateway;
    }

    public ServerConfig config() {
        return config;
    }

    /** Bound address of each gateway listener, by name. */
    public Map<String, InetSocketAddress> addresses() {
        return addresses;
    }

    /** The admin listener's address, or null when it is disabled. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Graceful stop: the gateway drains in-flight requests (up to timeouts.drain), then the admin listener stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (gateway != null) {
            gateway.close();
        }
        if (admin != null) {
            admin.close();
        }
        gcMetrics.close();
        registry.close();
    }
}
