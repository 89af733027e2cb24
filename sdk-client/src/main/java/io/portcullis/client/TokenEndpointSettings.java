package io.portcullis.client;

import io.portcullis.client.internal.TokenEndpoint;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every builder of a token provider that talks to a token endpoint shares: TLS, the
 * timeout of each call, how long before expiry a token is replaced, cleartext, and the clock.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class TokenEndpointSettings<B extends TokenEndpointSettings<B>> {
    TlsSettings tls;
    Duration timeout = Duration.ofSeconds(10);
    Duration refreshBefore = Duration.ofSeconds(30);
    Clock clock = Clock.systemUTC();
    boolean allowCleartext;

    TokenEndpointSettings() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** TLS towards the token endpoint (default: the JDK's trust store). */
    public B tls(TlsSettings v) {
        tls = Objects.requireNonNull(v, "tls");
        return self();
    }

    /** Connect and response timeout of each call to the token endpoint (default 10 s). */
    public B timeout(Duration v) {
        timeout = Objects.requireNonNull(v, "timeout");
        return self();
    }

    /** How long before expiry a token is replaced (default 30 s; use less than the token lifetime). */
    public B refreshBefore(Duration v) {
        refreshBefore = Objects.requireNonNull(v, "refreshBefore");
        return self();
    }

    /** Permits {@code http://} to hosts other than loopback (credentials travel in clear). */
    public B allowCleartext() {
        allowCleartext = true;
        return self();
    }

    /** The clock expiry is judged by (tests). */
    public B clock(Clock v) {
        clock = Objects.requireNonNull(v, "clock");
        return self();
    }

    /** The endpoint client these settings describe. */
    TokenEndpoint endpoint() {
        HttpClient http = TokenEndpoint.httpClient((tls == null ? TlsSettings.defaults() : tls).sslContext(), timeout);
        return new TokenEndpoint(http, timeout);
    }
}
