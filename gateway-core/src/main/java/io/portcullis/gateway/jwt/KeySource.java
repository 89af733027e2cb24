package io.portcullis.gateway.jwt;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Where an issuer's keys come from: fixed at start, or a JWKS URL refreshed in the background. */
interface KeySource {

    /** The current key set, or null while a remote set has never been loaded. Never blocks. */
    KeySet current();

    /**
     * Asks for a fresh set because a token names a key id that is not known (key rotation), or
     * because no set was ever loaded. Single-flight: joins a fetch already under way. Returns null
     * when no fetch may start now (fixed keys, or rate-limited), so the caller answers at once.
     */
    CompletableFuture<KeySet> refresh();

    /** Called with the thumbprints of keys a refresh removed, so cached verifications made with them can be dropped. */
    default void onKeysRemoved(Consumer<Set<String>> listener) {
    }

    /** Fixed keys. */
    static KeySource fixed(KeySet keys) {
        return new KeySource() {
            @Override
            public KeySet current() {
                return keys;
            }

            @Override
            public CompletableFuture<KeySet> refresh() {
                return null;
            }
        };
    }
}
