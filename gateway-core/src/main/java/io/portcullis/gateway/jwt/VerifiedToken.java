package io.portcullis.gateway.jwt;

import io.portcullis.gateway.policy.Principal;

/**
 * A token that passed every check, as the cache keeps it: who it is, until when it may be trusted
 * (never past {@code exp}), the key that signed it (so the entry goes when the key leaves the JWKS),
 * the upstream header values made from its claims, and whether it has the rights this route wants.
 */
record VerifiedToken(Principal principal, long validUntilMillis, String keyThumbprint, String[] headerValues,
                     boolean authorized) {
}
