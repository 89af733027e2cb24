package io.portcullis.server;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.acme.AcmeConfig;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * For {@code portcullis validate}: the gateway configuration with each ACME listener whose storage
 * holds no certificate yet pointed at a throwaway self-signed one, so everything else (other
 * certificates, policies) is checked without writing into the ACME storage.
 */
final class AcmePlaceholders {
    private AcmePlaceholders() {
    }

    static GatewayConfig forCheck(ServerConfig config, Path scratch) {
        GatewayConfig g = config.gateway();
        if (config.acme().isEmpty()) {
            return g;
        }
        List<ListenerConfig> listeners = new ArrayList<>(g.listeners());
        for (Map.Entry<Integer, AcmeConfig> e : config.acme().entrySet()) {
            CertificateConfig stored = e.getValue().certificate();
            if (Files.isReadable(stored.certificateChain()) && Files.isReadable(stored.privateKey())) {
                continue;
            }
            Path dir = scratch.resolve("listener-" + e.getKey());
            CertificateConfig placeholder = CertificateConfig.of(dir.resolve("fullchain.pem"), dir.resolve("key.pem"));
            SelfSignedCertificate.write(placeholder.certificateChain(), placeholder.privateKey(), e.getValue().domains(),
                    Duration.ofDays(1));
            ListenerConfig l = listeners.get(e.getKey());
            TlsConfig t = l.tls();
            TlsConfig swapped = new TlsConfig(List.of(placeholder), t.protocols(), t.cipherSuites(), t.sessionTickets(),
                    t.reloadInterval(), t.clientAuth(), t.clientCa());
            listeners.set(e.getKey(), new ListenerConfig(l.name(), l.host(), l.port(), l.mode(), swapped, l.httpsPort(),
                    l.connectionLimits(), l.ipRules()));
        }
        return new GatewayConfig(listeners, g.routes(), g.limits(), g.timeouts(), g.trustedProxies(), g.ioThreads(),
                g.healthPath(), g.trustIncomingRequestId(), g.policies(), g.clusters(), g.compression(), g.transport());
    }

    static void delete(Path scratch) {
        if (scratch == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
