package io.portcullis.gateway.internal.acme;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's storage: the account key in a 0600 file; the certificate is the manager's own files,
 * nothing is shared, the lock is always free and the manager answers its challenges from memory.
 */
public final class DirectoryAcmeStore implements AcmeStore {
    private static final CompletableFuture<String> NONE = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<Stored> NO_CERTIFICATE = CompletableFuture.completedFuture(null);

    private final Path accountFile;
    private final AtomicLong orders = new AtomicLong();

    public DirectoryAcmeStore(Path accountFile) {
        this.accountFile = accountFile;
    }

    @Override
    public KeyPair accountKey() {
        return KeyFiles.loadOrCreate(accountFile, "ec-p256");
    }

    @Override
    public Stored certificate() {
        return null; // the manager's files are the only copy
    }

    @Override
    public void saveCertificate(Stored certificate) {
        // written to the manager's files already
    }

    @Override
    public Lock tryLock() {
        return () -> { };
    }

    @Override
    public long countOrder() {
        return orders.incrementAndGet();
    }

    @Override
    public void publishHttp01(String token, String keyAuthorization) {
    }

    @Override
    public void withdrawHttp01(String token) {
    }

    @Override
    public void publishTlsAlpn01(String host, Stored challenge) {
    }

    @Override
    public void withdrawTlsAlpn01(String host) {
    }

    @Override
    public CompletionStage<String> http01(String token) {
        return NONE;
    }

    @Override
    public CompletionStage<Stored> tlsAlpn01(String host) {
        return NO_CERTIFICATE;
    }

    @Override
    public void onCertificateStored(Runnable listener) {
    }

    @Override
    public String describe() {
        return "directory " + accountFile.getParent();
    }

    @Override
    public void close() {
    }
}
