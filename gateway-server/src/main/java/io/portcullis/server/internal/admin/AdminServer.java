package io.portcullis.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.server.config.AdminConfig;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.ConfigRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health} (liveness), {@code /ready} (listeners bound, certificates loaded, ACME state;
 * optionally every upstream reachable), {@code /metrics} (Prometheus text) and {@code /config} (effective
 * configuration, secrets redacted) on a JDK HTTP server with one thread of its own, so a slow
 * scrape or upstream probe never touches a gateway event loop.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Per upstream probe; /ready answers within (upstreams x this) at worst. */
    private static final int PROBE_TIMEOUT_MS = 500;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<Gateway> gateway;
    private final Supplier<ServerConfig> config;
    private final PrometheusMeterRegistry registry;
    private final byte[] token;
    private final Supplier<Map<String, Object>> acme;

    /**
     * Binds and starts serving; {@code gateway} and {@code config} are read per request (they change on
     * reload); {@code acme} gives the ACME managers' state by listener (read without waiting on the CA).
     */
    public AdminServer(AdminConfig admin, Supplier<Gateway> gateway, Supplier<ServerConfig> config,
                       PrometheusMeterRegistry registry, Supplier<Map<String, Object>> acme) throws IOException {
        this.acme = acme;
        this.gateway = gateway;
        this.config = config;
        this.registry = registry;
        this.token = admin.token() == null ? null : admin.token().getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(new InetSocketAddress(admin.host(), admin.port()), 64);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "portcullis-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Admin listener on http://{}:{} (/health /ready /metrics /config{})", admin.host(),
                server.getAddress().getPort(), token == null ? "" : ", bearer token required");
        if (token == null && !isLoopback(admin.host())) {
            LOG.warn("The admin listener is bound to {} without a token: anyone who can reach it sees metrics and config",
                    admin.host());
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "application/json", json(Map.of("error", "method not allowed")));
                return;
            }
            if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"portcullis-admin\"");
                send(ex, 401, "application/json", json(Map.of("error", "a valid bearer token is required")));
                return;
            }
            switch (ex.getRequestURI().getPath()) {
                case "/health" -> health(ex);
                case "/ready" -> ready(ex);
                case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
                case "/config" -> send(ex, 200, "application/json", json(ConfigRenderer.render(config.get())));
                default -> send(ex, 404, "application/json",
                        json(Map.of("error", "not found", "endpoints", "/health /ready /metrics /config")));
            }
        } catch (RuntimeException e) {
            LOG.warn("Admin request {} failed", ex.getRequestURI(), e);
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private void health(HttpExchange ex) throws IOException {
        Gateway g = gateway.get();
        boolean up = g != null && g.isRunning();
        send(ex, up ? 200 : 503, "application/json", json(Map.of("status", up ? "UP" : "DOWN")));
    }

    /**
     * Seconds to expiry of every served certificate, from the gateway's expiry gauges; a certificate
     * with less than seven days left is flagged (a warning: the gateway still serves it).
     */
    private Map<String, Object> certificates() {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (io.micrometer.core.instrument.Gauge gauge : registry.find("portcullis.tls.certificate.expiry").gauges()) {
            double seconds = gauge.value();
            String name = gauge.getId().getTag("listener") + "/" + gauge.getId().getTag("certificate");
            if (Double.isNaN(seconds)) {
                continue; // a gauge of a gateway no longer running
            }
            String state = seconds < 0 ? "EXPIRED" : seconds < 7 * 86_400 ? "EXPIRES_SOON" : "OK";
            out.put(name, Map.of("expiresInSeconds", (long) seconds, "state", state));
        }
        return out;
    }

    private void ready(HttpExchange ex) throws IOException {
        Gateway g = gateway.get();
        ServerConfig c = config.get();
        Map<String, Object> body = new LinkedHashMap<>();
        boolean ready = g != null && g.isRunning();
        Map<String, Object> listeners = new LinkedHashMap<>();
        if (ready) {
            c.gateway().listeners().forEach(l -> listeners.put(l.name(), String.valueOf(g.address(l.name()))));
        }
        Map<String, Object> upstreams = new LinkedHashMap<>();
        boolean allReachable = true;
        List<EndpointConfig> targets = new ArrayList<>();
        for (RouteConfig r : c.gateway().routes()) {
            UpstreamConfig u = r.upstream();
            if (u != null) {
                targets.add(new EndpointConfig(u.url(), 1));
            } else {
                c.gateway().clusters().stream().filter(cl -> cl.name().equals(r.cluster()))
                        .forEach(cl -> targets.addAll(cl.endpoints()));
            }
        }
        for (EndpointConfig e : targets) {
            String key = e.url().toString();
            if (upstreams.containsKey(key)) {
                continue;
            }
            String problem = probe(e.host(), e.port());
            upstreams.put(key, problem == null ? "reachable" : "unreachable: " + problem);
            allReachable &= problem == null;
        }
        if (c.admin().readyRequiresUpstreams()) {
            ready &= allReachable;
        }
        body.put("status", ready ? "READY" : "NOT_READY");
        body.put("listeners", listeners);
        body.put("certificates", ready ? certificates() : "unknown");
        Map<String, Object> acmeState = acme.get();
        if (!acmeState.isEmpty()) {
            // informative only: a listener serves its placeholder until the CA issues, so it is ready
            body.put("acme", acmeState);
        }
        body.put("upstreams", upstreams);
        body.put("upstreamsRequired", c.admin().readyRequiresUpstreams());
        send(ex, ready ? 200 : 503, "application/json", json(body));
    }

    /** A TCP connect to the upstream: null if it answered, else why not. */
    private static String probe(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            return null;
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
