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
 * </ul>
 * The policy meters ({@code portcullis.policy.decisions}, {@code .responses}, {@code .suspended})
 * are registered per route and policy when the chains are compiled (see docs/policies.md).
 */
public final class GatewayMetrics {
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer[]> requestTimers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
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
    public void certificateExpiry(String listener, int index, java.util.function.Supplier<java.security.cert.X509Certificate> current) {
        io.micrometer.core.instrument.Gauge.builder("portcullis.tls.certificate.expiry", current,
                        c -> (c.get().getNotAfter().getTime() - System.currentTimeMillis()) / 1000.0)
                .tag("listener", listener).tag("certificate", String.valueOf(index)).baseUnit("seconds")
                .strongReference(true) // the supplier is only referenced here: a weak gauge would read NaN after a GC
                .register(registry);
    }
}
