package io.portcullis.examples.refapp.auth;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import io.portcullis.examples.refapp.RefAppProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Argon2id password hashes (argon2-jvm, libargon2). The encoded hash carries its own parameters,
 * so raising {@code refapp.argon2.*} affects new hashes and re-hashes weaker ones at login.
 * A check of an unknown account runs against a dummy hash, costing the same time.
 */
@Component
public class PasswordHasher {
    private final Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final String dummyHash;

    @Autowired
    public PasswordHasher(RefAppProperties properties) {
        this(properties.argon2().memoryKib(), properties.argon2().iterations(), properties.argon2().parallelism());
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.dummyHash = hash("dummy password for unknown accounts");
    }

    public String hash(String password) {
        char[] chars = password.toCharArray();
        try {
            return argon2.hash(iterations, memoryKib, parallelism, chars);
        } finally {
            argon2.wipeArray(chars);
        }
    }

    /** Checks a password; with a null hash (no such account) checks against a dummy and fails. */
    public boolean verify(String hash, String password) {
        char[] chars = password.toCharArray();
        try {
            boolean ok = argon2.verify(hash == null ? dummyHash : hash, chars);
            return ok && hash != null;
        } finally {
            argon2.wipeArray(chars);
        }
    }

    /** True when {@code hash} was made with weaker parameters than the current ones (costs only go up). */
    public boolean needsRehash(String hash) {
        return argon2.needsRehash(hash, iterations, memoryKib, parallelism);
    }
}
