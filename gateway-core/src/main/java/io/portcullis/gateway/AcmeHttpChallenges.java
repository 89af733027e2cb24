package io.portcullis.gateway;

/**
 * Answers ACME challenges: http-01 ({@code GET /.well-known/acme-challenge/{token}}) on cleartext
 * listeners and, optionally, tls-alpn-01 (RFC 8737) on TLS listeners. Called on an event loop: it
 * must answer from memory, without blocking.
 */
@FunctionalInterface
public interface AcmeHttpChallenges {

    /** Answers nothing: every challenge gets 404. */
    AcmeHttpChallenges NONE = token -> null;

    /** The key authorization for {@code token}, or null if no challenge with that token is pending. */
    String keyAuthorization(String token);

    /**
     * For a TLS handshake that offers only ALPN {@code acme-tls/1} with SNI {@code host}: the context
     * presenting the tls-alpn-01 challenge certificate, or null (then the listener's own certificate
     * is served as usual).
     */
    default io.netty.handler.ssl.SslContext tlsAlpnContext(String host) {
        return null;
    }
}
