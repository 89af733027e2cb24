package io.portcullis.gateway.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who made the request, as established by an authentication policy (JWT, API key, basic).
 *
 * @param subject    stable id of the caller ({@code sub}, key id, user name)
 * @param claims     token claims or key attributes (read-only)
 * @param scopes     granted scopes
 * @param roles      granted roles
 * @param authMethod how it was established, e.g. {@code jwt}, {@code api-key}, {@code basic}
 */
public record Principal(String subject, Map<String, Object> claims, Set<String> scopes, Set<String> roles,
                        String authMethod) {
    public Principal {
        Objects.requireNonNull(subject, "subject");
        claims = Map.copyOf(claims == null ? Map.of() : claims);
        scopes = Set.copyOf(scopes == null ? Set.of() : scopes);
        roles = Set.copyOf(roles == null ? Set.of() : roles);
        Objects.requireNonNull(authMethod, "authMethod");
    }
}
