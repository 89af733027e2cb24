package io.portcullis.gateway.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's Micrometer meters. Meters are looked up once per (route, protocol, status class)
 * and cached, so recording a request costs a map read and the timer update.
 *
 * <ul>
 *   <li>{@code portcullis.requests} timer: route, protocol ({@code h1}, {@code h2}), status ({@code 2xx}...)</li>
 *   <li>{@code portcullis.connections.open} gauge: listener</li>
 *   <li>{@code portcullis.connections.rejected} counter: listener, reason ({@code ip-rules},
 *       {@code listener-limit}, {@code client-limit}): connections closed as they were accepted</li>
 *   <li>{@code portcullis.connections.clients} gauge: listener; clients (IPv4 addresses, IPv6
 *       prefixes) with open connections, on listeners with a per-client limit</li>
 *   <li>{@code portcullis.tls.handshakes} counter: listener, result ({@code success}, {@code failure})</li>
 *   <li>{@code portcullis.upstream.errors} counter: route, kind ({@code connect}, {@code timeout}, {@code reset}, {@code invalid})</li>
 *   <li>{@code portcullis.cluster.requests} counter: cluster, endpoint: attempts sent to an endpoint (retries included)</li>
 *   <li>{@code portcullis.cluster.ejections} counter: cluster, endpoint: passive-health ejections</li>
 *   <li>{@code portcullis.cluster.retries} counter: cluster, result ({@code sent}, {@code budget-exhausted})</li>
 *   <li>{@code portcullis.cluster.pending.overflow} counter: cluster: requests refused with 503 because
 *       too many waited for a connection</li>
 *   <li>{@code portcullis.cluster.endpoint.healthy} gauge: cluster, endpoint: 1 in rotation, 0 ejected or
 *       failing its active health check</li>
 *   <li>{@code portcullis.websocket.tunnels} gauge: open WebSocket tunnels (client and upstream connection pairs)</li>
 * </ul>
 * The policy meters ({@code portcullis.policy.decisions}, {@code .responses}, {@code .suspended})
 * are registered per route and policy when the chains are compiled (see docs/policies.md).
 */
public final class GatewayMetrics {
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer[]> requestTimers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, java.util.function.IntSupplier> endpointHealth = new ConcurrentHashMap<>();
    private final AtomicInteger webSocketTunnels = new AtomicInteger();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("portcullis.websocket.tunnels", webSocketTunnels, AtomicInteger::get)
                .description("Open WebSocket tunnels").strongReference(true).register(registry);
    }

    /** The open WebSocket tunnels; the tunnels keep it current. */
    public AtomicInteger webSocketTunnels() {
        return webSocketTunnels;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Records one finished request. {@code route} is the route id, or {@code none} when nothing matched. */
    public void request(String route, boolean h2, int status, long durationNanos) {
        Timer[] timers = requestTimers.computeIfAbsent(route, r -> new Timer[2 * STATUS_CLASSES.length]);
        int cls = Math.min(Math.max(status / 100, 1), 5) - 1;
        int slot = (h2 ? STATUS_CLASSES.length : 0) + cls;
        Timer t = timers[slot];
        if (t == null) {
            t = Timer.builder("portcullis.requests")
                    .description("Requests handled by the gateway, by route, protocol and status class")
                    .tags(Tags.of("route", route, "protocol", h2 ? "h2" : "h1", "status", STATUS_CLASSES[cls]))
                    .register(registry);
            timers[slot] = t; // benign race: Micrometer returns the same meter for the same id
        }
        t.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** A gauge of open client connections for a listener; the caller keeps the returned counter current. */
    public AtomicInteger openConnections(String listener) {
        AtomicInteger value = new AtomicInteger();
        registry.gauge("portcullis.connections.open", Tags.of("listener", listener), value);
        return value;
    }

    /** The counter of connections a listener refused at accept, for one reason; registered up front. */
    public Counter connectionsRejected(String listener, String reason) {
        return counter("portcullis.connections.rejected", "listener", listener, "reason", reason);
    }

    /** A gauge of the clients a listener tracks for its per-client connection limit. */
    public <T> void trackedClients(String listener, T counts, ToDoubleFunction<T> clients) {
        Gauge.builder("portcullis.connections.clients", counts, clients)
                .description("Clients (IPv4 addresses, IPv6 prefixes) with open connections, per listener")
                .tags("listener", listener)
                .register(registry);
    }

    public void tlsHandshake(String listener, boolean success) {
        counter("portcullis.tls.handshakes", "listener", listener, "result", success ? "success" : "failure").increment();
    }

    public void upstreamError(String route, String kind) {
        counter("portcullis.upstream.errors", "route", route, "kind", kind).increment();
    }

    /** A cluster counter tagged {@code cluster} and, unless {@code k2} is null, {@code k2=v2}; registered once. */
    public Counter clusterCounter(String name, String cluster, String k2, String v2) {
        if (k2 == null) {
            return counters.computeIfAbsent(name + '\0' + cluster,
                    k -> Counter.builder(name).tags("cluster", cluster).register(registry));
        }
        return counter(name, "cluster", cluster, k2, v2);
    }

    /**
     * The {@code portcullis.cluster.endpoint.healthy} gauge of one endpoint. A reload that rebuilds the
     * cluster passes the new endpoint's state: the gauge reads whichever was given last.
     */
    public void endpointHealth(String cluster, String endpoint, java.util.function.IntSupplier healthy) {
        String key = cluster + '\0' + endpoint;
        boolean fresh = endpointHealth.put(key, healthy) == null;
        if (fresh) {
            Gauge.builder("portcullis.cluster.endpoint.healthy", endpointHealth,
                            m -> m.getOrDefault(key, () -> 0).getAsInt())
                    .description("1 while an endpoint is in rotation, 0 while ejected or failing its active health check")
                    .tags("cluster", cluster, "endpoint", endpoint)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private Counter counter(String name, String k1, String v1, String k2, String v2) {
        String key = name + '\0' + v1 + '\0' + v2;
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(k1, v1, k2, v2).register(registry));
        }
        return c;
    }

    /**
     * {@code portcullis.tls.certificate.expiry}: seconds until the certificate a listener serves
     * expires (negative once expired), read from the current certificate at scrape time, so
     * reloads and ACME renewals show at once. Tags: {@code listener}, {@code certificate} (its index
     * in the listener's configuration).
     */
    public Gauge certificateExpiry(String listener, int index, java.util.function.Supplier<java.security.cert.X509Certificate> current) {
        return Gauge.builder("portcullis.tls.certificate.expiry", current,
                        c -> (c.get().getNotAfter().getTime() - System.currentTimeMillis()) / 1000.0)
                .tag("listener", listener).tag("certificate", String.valueOf(index)).baseUnit("seconds")
                .strongReference(true) // the supplier is only referenced here: a weak gauge would read NaN after a GC
                .register(registry);
    }

    /** Unregisters a gauge whose source is gone (a listener's certificates replaced or removed by a reload). */
    public void remove(Gauge gauge) {
        registry.remove(gauge);
    }

    /**
     * {@code portcullis.tls.client.certificate.expiry}: seconds until a client certificate the gateway
     * presents to an upstream (mutual TLS) expires, negative once expired, NaN when a reload removed
     * it. Read at scrape time from the certificate loaded by the current configuration (a reload picks
     * up renewed files). Tags: {@code upstream} (its URL), {@code certificate} (the chain file). A name
     * of its own: Prometheus wants one label set per metric name, and listener certificates have others.
     */
    public void upstreamCertificateExpiry(String upstream, String chainFile,
                                          java.util.function.Supplier<java.security.cert.X509Certificate> current) {
        io.micrometer.core.instrument.Gauge.builder("portcullis.tls.client.certificate.expiry", current, c -> {
                    java.security.cert.X509Certificate cert = c.get();
                    return cert == null ? Double.NaN : (cert.getNotAfter().getTime() - System.currentTimeMillis()) / 1000.0;
                })
                .tag("upstream", upstream).tag("certificate", chainFile).baseUnit("seconds")
                .strongReference(true)
                .register(registry); // registering an existing gauge again keeps the first: its supplier reads the current map
    }
}
