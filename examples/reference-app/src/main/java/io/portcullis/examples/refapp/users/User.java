package io.portcullis.examples.refapp.users;

import java.time.Instant;
import java.util.Set;

/** An account as stored. */
public record User(String id, String email, String passwordHash, boolean verified, String totpSecret,
                   boolean totpEnabled, Long totpLastStep, Instant createdAt, Set<Role> roles) {
}
