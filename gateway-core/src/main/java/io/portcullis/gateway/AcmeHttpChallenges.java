package io.portcullis.gateway;

/**
 * Answers ACME http-01 challenges ({@code GET /.well-known/acme-challenge/{token}}) on cleartext
 * listeners. Called on an event loop: it must answer from memory, without blocking.
 */
@FunctionalInterface
public interface AcmeHttpChallenges {

    /** Answers nothing: every challenge gets 404. */
    AcmeHttpChallenges NONE = token -> null;

    /** The key authorization for {@code token}, or null if no challenge with that token is pending. */
    String keyAuthorization(String token);
}
