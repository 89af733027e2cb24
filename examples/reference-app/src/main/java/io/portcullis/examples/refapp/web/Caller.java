package io.portcullis.examples.refapp.web;

import io.portcullis.examples.refapp.users.Role;
import java.util.Set;

/** The authenticated caller of a request, from the access token the app verified itself. */
public record Caller(String userId, Set<String> roles, Set<String> scopes, String sessionId, String ip) {

    public boolean has(Role role) {
        return roles.contains(role.id());
    }
}
