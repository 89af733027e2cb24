package io.portcullis.spring;

import io.portcullis.gateway.AcmeChallenges;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.acme.AcmeCertificates;
import io.portcullis.gateway.acme.AcmeConfig;
import io.portcullis.spring.internal.AppWebServer;
import io.portcullis.spring.internal.GatewayConfigMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * The embedded gateway's lifecycle in the application context. It starts after the application's
 * web server (so the app route can point at the port that server really bound) and stops before
 * it: {@link Gateway#close()} drains in-flight requests while the app can still answer them.
 *
 * <p>The configuration is validated when this bean is created, so a bad property fails the
 * context before anything listens; certificate files are read at {@link #start()}.
 */
public class PortcullisGateway implements SmartLifecycle {
    /** After the web server's start ({@code DEFAULT_PHASE - 2048}) and graceful shutdown ({@code - 1024}) phases. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger LOG = LoggerFactory.getLogger(PortcullisGateway.class);

    private final PortcullisProperties properties;
    private final GatewayFactory factory;
    private final List<GatewayConfigCustomizer> customizers;
    private final ApplicationContext context;

    private volatile Gateway gateway;
    private volatile Map<String, InetSocketAddress> addresses = Map.of();
    /** ACME managers by listener name; listeners with the same acme settings share one. */
    private final Map<String, AcmeCertificates> acme = new ConcurrentHashMap<>();

    public PortcullisGateway(PortcullisProperties properties, GatewayFactory factory,
                             List<GatewayConfigCustomizer> customizers, ApplicationContext context) {
        this.properties = properties;
        this.factory = factory;
        this.customizers = List.copyOf(customizers);
        this.context = context;
        // validate now, with a stand-in port for the app route: the real one is known only at start
        GatewayConfigMapper.toConfig(properties, hasWebServer() ? 1 : null, this.customizers);
    }

    @Override
    public synchronized void start() {
        if (gateway != null) {
            return;
        }
        Integer appPort = appPort();
        GatewayConfig config = GatewayConfigMapper.toConfig(properties, appPort, customizers);
        List<AcmeCertificates> managers = createAcme(config);
        Gateway g;
        try {
            g = factory.create(config, AcmeChallenges.combine(managers.stream().map(AcmeCertificates::challenges).toList()));
        } catch (ConfigException e) {
            closeAcme();
            throw GatewayConfigMapper.invalid(e, properties.getRoutes().size());
        } catch (RuntimeException e) {
            closeAcme();
            throw e;
        }
        try {
            addresses = g.start();
            managers.forEach(AcmeCertificates::start); // http-01 needs the redirect listener bound first
        } catch (RuntimeException e) {
            closeAcme();
            g.close();
            throw e;
        }
        gateway = g;
        if (appPort != null && properties.getApp().isEnabled()) {
            LOG.info("Portcullis routes {} to the application on {}:{}", properties.getApp().getPath(),
                    properties.getApp().getHost(), appPort);
        }
    }

    /** One manager per distinct acme setting, its storage prepared (keys, placeholder); nothing asked of the CA yet. */
    private List<AcmeCertificates> createAcme(GatewayConfig config) {
        Map<AcmeConfig, AcmeCertificates> byConfig = new LinkedHashMap<>();
        for (Map.Entry<Integer, AcmeConfig> e : GatewayConfigMapper.acme(properties).entrySet()) {
            String property = "portcullis.listeners[" + e.getKey() + "].tls.acme";
            AcmeCertificates m = byConfig.get(e.getValue());
            if (m == null) {
                try {
                    m = AcmeCertificates.create(e.getValue());
                } catch (ConfigException ce) {
                    closeAcme();
                    throw GatewayConfigMapper.invalid(ce.under("listeners[" + e.getKey() + "].tls.acme"), properties.getRoutes().size());
                } catch (RuntimeException re) {
                    closeAcme();
                    boolean redis = e.getValue().redis() != null && String.valueOf(re.getMessage()).startsWith("cannot connect to Redis");
                    throw new InvalidGatewayPropertyException(property + (redis ? ".redis.uri" : ".storage"), redis ? re.getMessage()
                            : "cannot prepare " + e.getValue().storage() + ": " + re.getMessage() + " (expected: a writable directory)",
                            new ConfigException("storage", String.valueOf(re.getMessage()), re));
                }
                byConfig.put(e.getValue(), m);
            }
            acme.put(config.listeners().get(e.getKey()).name(), m);
        }
        return new ArrayList<>(byConfig.values());
    }

    private void closeAcme() {
        new HashSet<>(acme.values()).forEach(AcmeCertificates::close);
        acme.clear();
    }

    /**
     * The ACME certificate managers of listeners with {@code tls.acme}, by listener name, while
     * running: issued or placeholder, expiry, next attempt, last error.
     */
    public Map<String, AcmeCertificates> acme() {
        return Map.copyOf(acme);
    }

    @Override
    public synchronized void stop() {
        closeAcme();
        Gateway g = gateway;
        if (g != null) {
            g.close(); // drains: listeners stop accepting, in-flight requests get timeouts.drain to finish
            gateway = null;
        }
    }

    @Override
    public boolean isRunning() {
        Gateway g = gateway;
        return g != null && g.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The running gateway; null before {@link #start()} and after {@link #stop()}. */
    public Gateway gateway() {
        return gateway;
    }

    /** The configuration in force: the running gateway's, else as validated at creation (stand-in app port). */
    public GatewayConfig config() {
        Gateway g = gateway;
        return g != null ? g.config() : GatewayConfigMapper.toConfig(properties, hasWebServer() ? 1 : null, customizers);
    }

    /** Bound addresses by listener name while running (useful with port 0). */
    public Map<String, InetSocketAddress> addresses() {
        return isRunning() ? addresses : Map.of();
    }

    /** The bound address of one listener while running. */
    public InetSocketAddress address(String listenerName) {
        InetSocketAddress a = addresses().get(listenerName);
        if (a == null) {
            throw new IllegalArgumentException("no running listener named '" + listenerName + "' (have "
                    + addresses().keySet() + ")");
        }
        return a;
    }

    private boolean hasWebServer() {
        return AppWebServer.isWebServerContext(context);
    }

    private Integer appPort() {
        if (!hasWebServer()) {
            return null;
        }
        int port = AppWebServer.port(context);
        if (port <= 0) {
            LOG.warn("The application's web server has no port yet: no route to the application");
            return null;
        }
        String address = context.getEnvironment().getProperty("server.address");
        if (!isLoopback(address)) {
            LOG.warn("The application's server listens on {}:{}: clients can reach it without passing the gateway "
                    + "(set server.address=127.0.0.1)", address == null ? "all interfaces" : address, port);
        }
        return port;
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
