package io.portcullis.client;

import io.portcullis.client.internal.TokenEndpoint;
import io.portcullis.client.internal.Urls;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4) against any token endpoint: the client id and
 * secret go in HTTP Basic (section 2.3.1), {@code scope} and {@code audience} in the form when set.
 * A token without {@code expires_in} is kept for {@code defaultLifetime}.
 */
public final class ClientCredentialsTokenProvider extends RefreshingTokenProvider {
    private final TokenEndpoint endpoint;
    private final URI tokenUri;
    private final String authorization;
    private final String form;
    private final Duration defaultLifetime;

    private ClientCredentialsTokenProvider(Builder b) {
        super(b.clock, b.refreshBefore);
        this.endpoint = b.endpoint();
        this.tokenUri = b.tokenUri;
        Urls.requireSecure(tokenUri, b.allowCleartext, "tokenUrl"); // the client secret goes there
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (form(b.clientId) + ":" + form(b.clientSecret)).getBytes(StandardCharsets.UTF_8));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "client_credentials");
        if (b.scope != null) {
            params.put("scope", b.scope);
        }
        if (b.audience != null) {
            params.put("audience", b.audience);
        }
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(form(k) + "=" + form(v)));
        this.form = j.toString();
        this.defaultLifetime = b.defaultLifetime;
    }

    public static Builder builder(String tokenUrl, String clientId, String clientSecret) {
        return new Builder(tokenUrl, clientId, clientSecret);
    }

    @Override
    protected CompletableFuture<Token> fetch(Token previous) {
        return endpoint.post(tokenUri, "application/x-www-form-urlencoded", form, Map.of("Authorization", authorization))
                .thenApply(json -> {
                    String access = TokenEndpoint.string(json, "access_token", tokenUri);
                    long expiresIn = TokenEndpoint.seconds(json, "expires_in");
                    Duration life = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : defaultLifetime;
                    return new Token(access, clock().instant().plus(life), null, null);
                });
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Builds a {@link ClientCredentialsTokenProvider}. */
    public static final class Builder extends TokenEndpointSettings<Builder> {
        private final URI tokenUri;
        private final String clientId;
        private final String clientSecret;
        private String scope;
        private String audience;
        private Duration defaultLifetime = Duration.ofMinutes(5);

        private Builder(String tokenUrl, String clientId, String clientSecret) {
            this.tokenUri = URI.create(Objects.requireNonNull(tokenUrl, "tokenUrl"));
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        }

        /** Space-separated scopes to ask for. */
        public Builder scope(String v) {
            scope = Objects.requireNonNull(v, "scope");
            return this;
        }

        /** The {@code audience} parameter some servers (Auth0, Okta) want. */
        public Builder audience(String v) {
            audience = Objects.requireNonNull(v, "audience");
            return this;
        }

        public Builder defaultLifetime(Duration v) {
            defaultLifetime = Objects.requireNonNull(v, "defaultLifetime");
            return this;
        }

        public ClientCredentialsTokenProvider build() {
            return new ClientCredentialsTokenProvider(this);
        }
    }
}
