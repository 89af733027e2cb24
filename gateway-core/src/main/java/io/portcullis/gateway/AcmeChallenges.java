package io.portcullis.gateway;

import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers ACME challenges: http-01 ({@code GET /.well-known/acme-challenge/{token}}) on cleartext
 * listeners and, optionally, tls-alpn-01 (RFC 8737) on TLS listeners. Called on an event loop, so
 * the answers are asynchronous: from memory (completed at once), or looked up without blocking
 * (e.g. in storage shared by several gateway nodes, where another node may have placed the order).
 * A stage may complete on another thread; the gateway continues on the connection's event loop.
 */
@FunctionalInterface
public interface AcmeChallenges {

    /** Answers nothing: every challenge gets 404. */
    AcmeChallenges NONE = token -> CompletableFuture.completedFuture(null);

    /** The key authorization for {@code token}, or null if no challenge with that token is pending. */
    CompletionStage<String> keyAuthorization(String token);

    /**
     * For a TLS handshake that offers only ALPN {@code acme-tls/1} with SNI {@code host}: the context
     * presenting the tls-alpn-01 challenge certificate, or null (then the listener's own certificate
     * is served as usual).
     */
    default CompletionStage<SslContext> tlsAlpnContext(String host) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Asks each of {@code all} in turn (several ACME certificates on one gateway); the first answer
     * wins, and one that fails counts as no answer.
     */
    static AcmeChallenges combine(List<AcmeChallenges> all) {
        List<AcmeChallenges> list = List.copyOf(all);
        if (list.size() <= 1) {
            return list.isEmpty() ? NONE : list.get(0);
        }
        return new AcmeChallenges() {
            @Override
            public CompletionStage<String> keyAuthorization(String token) {
                return first(0, c -> c.keyAuthorization(token));
            }

            @Override
            public CompletionStage<SslContext> tlsAlpnContext(String host) {
                return first(0, c -> c.tlsAlpnContext(host));
            }

            private <T> CompletionStage<T> first(int i, java.util.function.Function<AcmeChallenges, CompletionStage<T>> ask) {
                if (i == list.size()) {
                    return CompletableFuture.completedFuture(null);
                }
                return ask.apply(list.get(i)).exceptionally(e -> null)
                        .thenCompose(v -> v != null ? CompletableFuture.completedFuture(v) : first(i + 1, ask));
            }
        };
    }
}
