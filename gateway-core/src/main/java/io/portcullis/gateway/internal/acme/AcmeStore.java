package io.portcullis.gateway.internal.acme;

import java.security.KeyPair;
import java.util.concurrent.CompletionStage;

/**
 * Where an ACME manager keeps what outlives one order, and what other gateway nodes must see: the
 * account key, the issued certificate with its key, the right to order, and the pending challenges.
 * {@link DirectoryAcmeStore} serves one node; {@link RedisAcmeStore} a fleet sharing one Redis.
 * Methods that may block run on the manager's thread; {@link #http01} and {@link #tlsAlpn01} are
 * called on event loops and never block.
 */
public interface AcmeStore extends AutoCloseable {

    /** A private key (PEM) and the certificate chain it belongs to (PEM, leaf first). */
    record Stored(String keyPem, String chainPem) {
    }

    /** The exclusive right to order, released by {@link #close()}. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /** The account key: the one stored, or a new one stored now (the first node to ask wins). Blocking. */
    KeyPair accountKey() throws Exception;

    /** The certificate some node stored, or null. Blocking. */
    Stored certificate() throws Exception;

    /** Stores a newly issued certificate for every node, and tells them. Blocking. */
    void saveCertificate(Stored certificate) throws Exception;

    /** The right to order now, or null while another node holds it. Blocking. */
    Lock tryLock() throws Exception;

    /** Counts an order about to be placed, by any node; returns the count so far. Blocking. */
    long countOrder() throws Exception;

    /** Makes an http-01 answer visible to every node. Blocking. */
    void publishHttp01(String token, String keyAuthorization) throws Exception;

    void withdrawHttp01(String token);

    /** Makes a tls-alpn-01 challenge certificate (key and certificate PEM) visible to every node. Blocking. */
    void publishTlsAlpn01(String host, Stored challenge) throws Exception;

    void withdrawTlsAlpn01(String host);

    /** An http-01 answer another node published, or null. Never blocks. */
    CompletionStage<String> http01(String token);

    /** A tls-alpn-01 certificate another node published for {@code host}, or null. Never blocks. */
    CompletionStage<Stored> tlsAlpn01(String host);

    /** Calls {@code listener} (on a store thread) when another node stored a certificate. */
    void onCertificateStored(Runnable listener);

    /** A description for logs and status, without secrets. */
    String describe();

    @Override
    void close();
}
