package io.portcullis.client;

import io.portcullis.client.internal.MiniJson;
import io.portcullis.client.internal.TokenEndpoint;
import io.portcullis.client.internal.Urls;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The reference app's session flow: {@code POST /auth/login {email, password}} answers
 * {@code {accessToken, tokenType, expiresIn, refreshToken, refreshExpiresAt}};
 * {@code POST /auth/refresh {refreshToken}} answers a new pair and spends the old refresh token.
 * Tokens are refreshed {@code refreshBefore} their expiry, one refresh at a time whatever the
 * concurrency (a rotated refresh token used twice would end the session); when refreshing fails
 * with 401 (session ended), it logs in again.
 */
public final class LoginTokenProvider extends RefreshingTokenProvider {
    private final TokenEndpoint endpoint;
    private final URI loginUri;
    private final URI refreshUri;
    private final String loginBody;

    private LoginTokenProvider(Builder b) {
        super(b.clock, b.refreshBefore);
        this.endpoint = b.endpoint();
        String base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
        this.loginUri = URI.create(base + b.loginPath);
        this.refreshUri = URI.create(base + b.refreshPath);
        Urls.requireSecure(loginUri, b.allowCleartext, "baseUrl"); // a password and refresh tokens go there
        this.loginBody = "{\"email\":" + MiniJson.quote(b.email) + ",\"password\":" + MiniJson.quote(b.password) + "}";
    }

    /** {@code baseUrl}: where {@code /auth/login} is, usually the gateway's URL. */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    @Override
    protected CompletableFuture<Token> fetch(Token previous) {
        if (hasLiveRefreshToken(previous)) {
            String body = "{\"refreshToken\":" + MiniJson.quote(previous.refreshToken()) + "}";
            return endpoint.post(refreshUri, "application/json", body, Map.of())
                    .thenApply(json -> token(json, refreshUri))
                    .exceptionallyCompose(e -> {
                        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                ? e.getCause() : e;
                        if (c instanceof UnauthorizedException) {
                            return login(); // the session ended (logout, revocation, reuse): start a new one
                        }
                        return CompletableFuture.failedFuture(c);
                    });
        }
        return login();
    }

    private CompletableFuture<Token> login() {
        return endpoint.post(loginUri, "application/json", loginBody, Map.of()).thenApply(json -> token(json, loginUri));
    }

    private Token token(Map<String, Object> json, URI from) {
        String access = TokenEndpoint.string(json, "accessToken", from);
        long expiresIn = TokenEndpoint.seconds(json, "expiresIn");
        if (expiresIn <= 0) {
            throw new PortcullisException("token endpoint " + from + ": no positive 'expiresIn'", 200, null, null, null, null);
        }
        Object refresh = json.get("refreshToken");
        Instant refreshExpires = null;
        if (json.get("refreshExpiresAt") instanceof String s) {
            try {
                refreshExpires = Instant.parse(s);
            } catch (DateTimeParseException ignored) {
                // unknown format: the refresh token is tried until the server refuses it
            }
        }
        Instant now = clock().instant();
        return new Token(access, now.plusSeconds(expiresIn), refresh instanceof String r ? r : null, refreshExpires);
    }

    /** Builds a {@link LoginTokenProvider}. */
    public static final class Builder extends TokenEndpointSettings<Builder> {
        private final String baseUrl;
        private String email;
        private String password;
        private String loginPath = "/auth/login";
        private String refreshPath = "/auth/refresh";

        private Builder(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        public Builder credentials(String email, String password) {
            this.email = Objects.requireNonNull(email, "email");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        public Builder paths(String login, String refresh) {
            loginPath = Objects.requireNonNull(login, "login");
            refreshPath = Objects.requireNonNull(refresh, "refresh");
            return this;
        }

        public LoginTokenProvider build() {
            if (email == null) {
                throw new IllegalStateException("credentials are required");
            }
            return new LoginTokenProvider(this);
        }
    }
}
