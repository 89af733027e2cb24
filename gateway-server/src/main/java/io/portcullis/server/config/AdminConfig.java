package io.portcullis.server.config;

import io.portcullis.gateway.ConfigException;

/**
 * The admin listener: {@code /health}, {@code /ready}, {@code /metrics}, {@code /config}.
 *
 * @param enabled                whether it runs at all
 * @param host                   bind address; loopback by default, as the endpoints are not for the public
 * @param port                   TCP port (0 picks a free one)
 * @param token                  when set, every request needs {@code Authorization: Bearer <token>}
 * @param readyRequiresUpstreams whether {@code /ready} also needs every upstream to accept a TCP connection
 */
public record AdminConfig(boolean enabled, String host, int port, String token, boolean readyRequiresUpstreams) {

    public static final int DEFAULT_PORT = 9901;

    public AdminConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.trim();
        ConfigException.check(port >= 0 && port <= 65535, "port", port + " (expected: 0-65535)");
        ConfigException.check(token == null || token.length() >= 16, "token",
                "too short (expected: at least 16 characters; make one with 'portcullis hash-key')");
    }

    /** On 127.0.0.1:9901, no token, readiness without upstream checks. */
    public static AdminConfig defaults() {
        return new AdminConfig(true, "127.0.0.1", DEFAULT_PORT, null, false);
    }
}
