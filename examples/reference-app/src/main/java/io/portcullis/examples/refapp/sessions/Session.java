package io.portcullis.examples.refapp.sessions;

import java.time.Instant;

/** A login session: one refresh-token family. */
public record Session(String id, String userId, String ipAddress, String userAgent, String fingerprint,
                     Instant createdAt, Instant lastUsedAt, Instant expiresAt, Instant revokedAt, String revokeReason) {

    public boolean activeAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
