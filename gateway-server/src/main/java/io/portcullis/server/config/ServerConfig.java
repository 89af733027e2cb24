package io.portcullis.server.config;

import io.portcullis.gateway.GatewayConfig;
import java.nio.file.Path;
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
 */
public record ServerConfig(GatewayConfig gateway, AdminConfig admin, Path source, Set<String> secretPaths) {

    public ServerConfig {
        Objects.requireNonNull(gateway, "gateway");
        admin = admin == null ? AdminConfig.defaults() : admin;
        secretPaths = Set.copyOf(secretPaths == null ? Set.of() : secretPaths);
    }

    /** A human name for the source in messages. */
    public String sourceName() {
        return source == null ? "<embedded default>" : source.toString();
    }
}
