package io.portcullis.spring.actuate;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.policy.BackendStatus;
import io.portcullis.spring.PortcullisGateway;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while every listener is bound, no served certificate has expired and every backend the
 * policies use is reachable; DOWN when the gateway is not running, a certificate file is expired or
 * unreadable, or a backend (the Redis of {@code backend: redis} rate limits) is not connected.
 * Certificates are read from their files, which is what the gateway reloads from; backends are
 * reported by type and address ({@code redis: {redis://127.0.0.1:6379: UP}}), never with credentials.
 * Listeners with {@code tls.acme} add their ACME state (issued or placeholder, next attempt, last error).
 */
public class PortcullisHealthIndicator extends AbstractHealthIndicator {
    private final PortcullisGateway gateway;
    private final Clock clock;

    public PortcullisHealthIndicator(PortcullisGateway gateway) {
        this(gateway, Clock.systemUTC());
    }

    PortcullisHealthIndicator(PortcullisGateway gateway, Clock clock) {
        super("Portcullis health check failed");
        this.gateway = gateway;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        GatewayConfig config = gateway.config();
        Map<String, InetSocketAddress> bound = gateway.addresses();
        boolean up = gateway.isRunning();
        Map<String, Object> listeners = new LinkedHashMap<>();
        List<Map<String, Object>> certificates = new ArrayList<>();
        Instant now = clock.instant();
        for (ListenerConfig l : config.listeners()) {
            InetSocketAddress a = bound.get(l.name());
            up &= a != null;
            listeners.put(l.name(), a == null ? "down" : a.getHostString() + ":" + a.getPort());
            if (l.tls() != null) {
                for (CertificateConfig c : l.tls().certificates()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("listener", l.name());
                    d.put("file", c.certificateChain().toString());
                    try {
                        X509Certificate leaf = leaf(c);
                        d.put("subject", leaf.getSubjectX500Principal().getName());
                        d.put("notAfter", leaf.getNotAfter().toInstant().toString());
                        boolean valid = leaf.getNotAfter().toInstant().isAfter(now);
                        d.put("valid", valid);
                        up &= valid;
                    } catch (Exception e) {
                        d.put("valid", false);
                        d.put("error", e.toString());
                        up = false;
                    }
                    certificates.add(d);
                }
            }
        }
        Map<String, Map<String, String>> backends = new LinkedHashMap<>();
        Gateway running = gateway.gateway();
        for (BackendStatus b : running == null ? List.<BackendStatus>of() : running.backends()) {
            boolean reachable = b.up();
            up &= reachable;
            // limits with different Redis timeouts have connections of their own: one entry per address, DOWN wins
            backends.computeIfAbsent(b.type(), t -> new LinkedHashMap<>())
                    .merge(b.name(), reachable ? "UP" : "DOWN", (a, c) -> a.equals("DOWN") ? a : c);
        }
        builder.status(up ? "UP" : "DOWN").withDetail("listeners", listeners);
        if (!certificates.isEmpty()) {
            builder.withDetail("certificates", certificates);
        }
        backends.forEach(builder::withDetail);
        Map<String, Object> acme = new LinkedHashMap<>();
        // fields only: never waits for the CA (expiry of the served file is judged with the certificates above)
        gateway.acme().forEach((listener, m) -> {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("domains", m.config().domains());
            a.put("issued", m.issued());
            a.put("nextAttempt", m.nextAttempt() == null ? null : m.nextAttempt().toString());
            a.put("lastError", m.lastError());
            acme.put(listener, a);
        });
        if (!acme.isEmpty()) {
            builder.withDetail("acme", acme);
        }
    }

    private static X509Certificate leaf(CertificateConfig c) throws Exception {
        try (InputStream in = Files.newInputStream(c.certificateChain())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
