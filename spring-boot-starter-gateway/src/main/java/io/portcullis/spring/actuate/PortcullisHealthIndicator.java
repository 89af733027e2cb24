package io.portcullis.spring.actuate;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
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
 * UP while every listener is bound and no served certificate has expired; DOWN when the gateway is
 * not running, or a certificate file is expired or unreadable. Certificates are read from their
 * files, which is what the gateway reloads from.
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
        builder.status(up ? "UP" : "DOWN").withDetail("listeners", listeners);
        if (!certificates.isEmpty()) {
            builder.withDetail("certificates", certificates);
        }
    }

    private static X509Certificate leaf(CertificateConfig c) throws Exception {
        try (InputStream in = Files.newInputStream(c.certificateChain())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
