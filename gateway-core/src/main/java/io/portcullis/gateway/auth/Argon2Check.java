package io.portcullis.gateway.auth;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Argon2id verification, always on the given (blocking) executor: it costs tens of milliseconds by design. */
final class Argon2Check {
    private Argon2Check() {
    }

    static CompletableFuture<Boolean> verify(String phcHash, String secret, Executor blocking) {
        return CompletableFuture.supplyAsync(() -> {
            Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id);
            char[] chars = secret.toCharArray();
            try {
                return argon2.verify(phcHash, chars);
            } finally {
                argon2.wipeArray(chars);
            }
        }, blocking);
    }

    static String hash(String secret) {
        Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id);
        char[] chars = secret.toCharArray();
        try {
            return argon2.hash(ApiKeys.ARGON2_ITERATIONS, ApiKeys.ARGON2_MEMORY_KIB, ApiKeys.ARGON2_PARALLELISM, chars);
        } finally {
            argon2.wipeArray(chars);
        }
    }
}
