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
import io.portcullis.gateway.AcmeChallenges;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.acme.AcmeCertificates;
import io.portcullis.gateway.acme.AcmeConfig;
import io.portcullis.server.config.ConfigError;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.admin.AdminServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running standalone server: the gateway built from a {@link ServerConfig}, its Prometheus
 * registry (JVM, Netty allocator and gateway meters), the ACME certificate managers of listeners
 * with {@code tls.acme} (started once the gateway is bound, so http-01 finds its listener up) and
 * the admin listener.
 */
public final class PortcullisServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisServer.class);

    private final ConfigLoader loader;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private volatile ServerConfig config;
    private final Gateway gateway;
    /** ACME managers by listener name; listeners with the same acme settings share one. */
    private final Map<String, AcmeCertificates> acme = new LinkedHashMap<>();
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
        List<AcmeCertificates> managers;
        try {
            managers = createAcme(config);
            this.gateway = Gateway.create(config.gateway(), registry, List.of(),
                    AcmeChallenges.combine(managers.stream().map(AcmeCertificates::challenges).toList()));
        } catch (ConfigException e) {
            acme.values().forEach(AcmeCertificates::close);
            gcMetrics.close();
            registry.close();
            throw loader.relate(config, e);
        }
        try {
            gateway.start();
            managers.forEach(AcmeCertificates::start); // http-01 needs the cleartext listener bound first
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (config.admin().enabled()) {
            try {
                admin = new AdminServer(config.admin(), () -> this.gateway, () -> this.config, registry, this::acmeStatus);
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

    /** One manager per distinct acme setting, its storage prepared (keys, placeholder); nothing asked of the CA yet. */
    private List<AcmeCertificates> createAcme(ServerConfig config) {
        Map<AcmeConfig, AcmeCertificates> byConfig = new LinkedHashMap<>();
        for (Map.Entry<Integer, AcmeConfig> e : config.acme().entrySet()) {
            AcmeCertificates m = byConfig.get(e.getValue());
            if (m == null) {
                try {
                    m = AcmeCertificates.create(e.getValue());
                } catch (ConfigException ce) {
                    throw new ConfigException("listeners[" + e.getKey() + "].tls.acme." + ce.field(), ce.problem());
                } catch (RuntimeException re) {
                    if (e.getValue().redis() != null && String.valueOf(re.getMessage()).startsWith("cannot connect to Redis")) {
                        throw new ConfigException("listeners[" + e.getKey() + "].tls.acme.redis.uri", re.getMessage());
                    }
                    throw new ConfigException("listeners[" + e.getKey() + "].tls.acme.storage", "cannot prepare "
                            + e.getValue().storage() + ": " + re.getMessage() + " (expected: a writable directory)");
                }
                byConfig.put(e.getValue(), m);
            }
            acme.put(config.gateway().listeners().get(e.getKey()).name(), m);
        }
        return new ArrayList<>(byConfig.values());
    }

    /**
     * Checks everything a start would (certificate files, policies) without binding any socket. ACME
     * listeners whose storage holds no certificate yet are checked with a throwaway placeholder: a
     * check writes nothing into the storage.
     */
    public static void check(ServerConfig config, ConfigLoader loader) {
        java.nio.file.Path scratch = null;
        try {
            if (!config.acme().isEmpty()) {
                scratch = java.nio.file.Files.createTempDirectory("portcullis-check");
            }
            try (Gateway g = Gateway.create(AcmePlaceholders.forCheck(config, scratch), null)) {
                LOG.debug("Configuration {} is valid ({} listeners, {} routes)", config.sourceName(),
                        g.config().listeners().size(), g.config().routes().size());
            }
        } catch (ConfigException e) {
            throw loader.relate(config, e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            AcmePlaceholders.delete(scratch);
        }
    }

    /**
     * ACME state per listener, for {@code /ready}: issued or placeholder, the served certificate's
     * expiry, the next attempt and the last error. Reads fields only: never waits for the CA.
     */
    public Map<String, Object> acmeStatus() {
        Map<String, Object> out = new LinkedHashMap<>();
        acme.forEach((listener, m) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("domains", m.config().domains());
            s.put("issued", m.issued());
            s.put("notAfter", m.current().getNotAfter().toInstant().toString());
            s.put("nextAttempt", m.nextAttempt() == null ? null : m.nextAttempt().toString());
            s.put("lastError", m.lastError());
            s.put("storage", m.storage());
            out.put(listener, s);
        });
        return out;
    }

    /**
     * Applies a new configuration to the running gateway (see {@link Gateway#reload}): listeners,
     * routes, policies, limits, timeouts. Throws {@link ConfigError} and keeps the running
     * configuration when the new one is invalid, cannot bind a new listener, or changes
     * {@code ioThreads} or an ACME setting. Admin listener changes are ignored with a warning until the next restart.
     */
    public synchronized void reload(ServerConfig next) {
        ServerConfig now = config;
        try {
            for (int i : next.acme().keySet()) {
                ConfigException.check(next.acme().get(i).equals(now.acme().get(i)), "listeners[" + i + "].tls.acme",
                        "changed; ACME settings apply after a restart (the running ones are kept)");
            }
            gateway.reload(next.gateway());
        } catch (ConfigException e) {
            reloads("failure");
            throw loader.relate(next, e);
        }
        if (!next.admin().equals(now.admin())) {
            LOG.warn("The admin settings changed: they apply after a restart");
        }
        config = new ServerConfig(next.gateway(), now.admin(), next.source(), next.secretPaths(), now.acme());
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

    /** Bound address of each gateway listener, by name (a reload may add or remove listeners). */
    public Map<String, InetSocketAddress> addresses() {
        return gateway.addresses();
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
        new java.util.HashSet<>(acme.values()).forEach(AcmeCertificates::close);
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
