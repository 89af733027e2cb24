package io.portcullis.client;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Supplies the credential for each request attempt. Implementations must be thread-safe and should
 * answer from memory on the common path; {@link RefreshingTokenProvider} handles expiry and
 * single-flight refresh for token endpoints.
 */
public interface TokenProvider {
    /** The credential for the next attempt. */
    CompletableFuture<Credential> credential();

    /**
     * The server answered 401 to a request carrying {@code rejected}: drop it, so the next
     * {@link #credential()} fetches a new one. The client retries such a request once.
     */
    default void invalidate(Credential rejected) {
    }

    /**
     * Whether {@link #invalidate} can lead to a different credential, so a 401 is worth one retry.
     * False for fixed tokens and keys: their 401 is thrown without a second request.
     */
    default boolean renewable() {
        return false;
    }

    /** A fixed bearer token (no refresh; a 401 is final). */
    static TokenProvider bearer(String token) {
        Credential c = Credential.bearer(Objects.requireNonNull(token, "token"));
        return () -> CompletableFuture.completedFuture(c);
    }

    /** An API key in {@code header} (the gateway's {@code api-key} policy reads {@code X-API-Key} by default). */
    static TokenProvider apiKey(String header, String key) {
        Credential c = new Credential(Objects.requireNonNull(header, "header"), Objects.requireNonNull(key, "key"));
        return () -> CompletableFuture.completedFuture(c);
    }

    /** An API key in {@code X-API-Key}. */
    static TokenProvider apiKey(String key) {
        return apiKey("X-API-Key", key);
    }
}
