package io.portcullis.server.config;

import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.acme.AcmeConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one configuration file says: the gateway's configuration, the admin listener, and
 * which fields held secrets (read from {@code ${file:...}} references) so they are never shown.
 *
 * @param gateway     the core configuration
 * @param admin       the admin listener
 * @param source      the file it came from; null for the built-in default
 * @param secretPaths field paths whose value came from a secret file
 * @param acme        ACME settings of the https listeners whose certificate comes from a CA, by index in
 *                    {@code gateway.listeners()} (their TLS certificate is {@link AcmeConfig#certificate()})
 */
public record ServerConfig(GatewayConfig gateway, AdminConfig admin, Path source, Set<String> secretPaths,
                           Map<Integer, AcmeConfig> acme) {

    public ServerConfig {
        Objects.requireNonNull(gateway, "gateway");
        admin = admin == null ? AdminConfig.defaults() : admin;
        secretPaths = Set.copyOf(secretPaths == null ? Set.of() : secretPaths);
        acme = Collections.unmodifiableMap(new LinkedHashMap<>(acme == null ? Map.of() : acme));
        for (Integer i : acme.keySet()) {
            Objects.checkIndex(i, gateway.listeners().size());
        }
    }

    /** Without ACME listeners. */
    public ServerConfig(GatewayConfig gateway, AdminConfig admin, Path source, Set<String> secretPaths) {
        this(gateway, admin, source, secretPaths, Map.of());
    }

    /** A human name for the source in messages. */
    public String sourceName() {
        return source == null ? "<embedded default>" : source.toString();
    }
}
