package io.portcullis.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.client.internal.MiniJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference app's auth API in miniature, behind the gateway in tests: {@code /auth/login},
 * {@code /auth/refresh} (rotating, single use: a reuse revokes everything, as the real app does),
 * {@code /oauth/token} (client credentials, HTTP Basic) and {@code /v1/me}, which accepts only access
 * tokens it issued and has not revoked. Tokens are HS256 JWTs the gateway's {@code jwt} policy checks.
 */
final class StubAuthServer implements AutoCloseable {
    static final String ISSUER = "stub-auth";
    static final String SECRET = "a-test-hmac-secret-of-at-least-32-bytes!";
    static final String EMAIL = "ada@example.com";
    static final String PASSWORD = "correct horse battery staple";
    static final String CLIENT_ID = "svc-billing";
    static final String CLIENT_SECRET = "s3cret/with:odd chars";

    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger refreshes = new AtomicInteger();
    final AtomicInteger refreshReuses = new AtomicInteger();
    final AtomicInteger clientCredentialGrants = new AtomicInteger();
    volatile long lifetimeSeconds = 60;
    volatile long refreshDelayMillis = 150;

    private final Set<String> liveAccess = ConcurrentHashMap.newKeySet();
    private final Set<String> liveRefresh = ConcurrentHashMap.newKeySet();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    StubAuthServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/auth/login", this::login);
        server.createContext("/auth/refresh", this::refresh);
        server.createContext("/oauth/token", this::token);
        server.createContext("/v1/me", this::me);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Ends every access token (as a logout elsewhere would); refresh tokens stay valid. */
    void revokeAccessTokens() {
        liveAccess.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void login(HttpExchange ex) throws IOException {
        Map<String, Object> body = MiniJson.parseObjectOrNull(read(ex));
        if (body == null || !EMAIL.equals(body.get("email")) || !PASSWORD.equals(body.get("password"))) {
            problem(ex, 401, "invalid credentials");
            return;
        }
        logins.incrementAndGet();
        issuePair(ex);
    }

    private void refresh(HttpExchange ex) throws IOException {
        Map<String, Object> body = MiniJson.parseObjectOrNull(read(ex));
        Object token = body == null ? null : body.get("refreshToken");
        sleep(refreshDelayMillis); // a slow auth server widens the window where concurrent callers could race
        if (!(token instanceof String t) || !liveRefresh.remove(t)) {
            refreshReuses.incrementAndGet();
            liveRefresh.clear(); // reuse of a spent refresh token: the session is considered stolen
            problem(ex, 401, "refresh token is not valid");
            return;
        }
        refreshes.incrementAndGet();
        issuePair(ex);
    }

    private void token(HttpExchange ex) throws IOException {
        String form = read(ex);
        String expected = "Basic " + Base64.getEncoder().encodeToString((java.net.URLEncoder.encode(CLIENT_ID,
                StandardCharsets.UTF_8) + ":" + java.net.URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))
                || !form.contains("grant_type=client_credentials")) {
            problem(ex, 401, "invalid client");
            return;
        }
        clientCredentialGrants.incrementAndGet();
        String access = jwt(CLIENT_ID);
        liveAccess.add(access);
        json(ex, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetimeSeconds + "}");
    }

    private void me(HttpExchange ex) throws IOException {
        read(ex);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !liveAccess.contains(auth.substring(7))) {
            problem(ex, 401, "session ended");
            return;
        }
        String sub = SignedJWTs.subject(auth.substring(7));
        json(ex, 200, "{\"sub\":" + MiniJson.quote(sub) + ",\"extra\":true}");
    }

    private void issuePair(HttpExchange ex) throws IOException {
        String access = jwt(EMAIL);
        String refresh = UUID.randomUUID().toString();
        liveAccess.add(access);
        liveRefresh.add(refresh);
        json(ex, 200, "{\"accessToken\":\"" + access + "\",\"tokenType\":\"Bearer\",\"expiresIn\":" + lifetimeSeconds
                + ",\"refreshToken\":\"" + refresh + "\",\"refreshExpiresAt\":\""
                + Instant.now().plusSeconds(3600) + "\"}");
    }

    private String jwt(String subject) {
        try {
            Instant now = Instant.now();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .issuer(ISSUER).subject(subject).issueTime(Date.from(now)).jwtID(UUID.randomUUID().toString())
                    .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds))).build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(HttpExchange ex) throws IOException {
        return new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void problem(HttpExchange ex, int status, String detail) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/problem+json");
        send(ex, status, "{\"type\":\"about:blank\",\"status\":" + status + ",\"detail\":" + MiniJson.quote(detail) + "}");
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(ex, status, body);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads claims without verifying: the gateway verified the signature already. */
    static final class SignedJWTs {
        static String subject(String token) {
            try {
                return SignedJWT.parse(token).getJWTClaimsSet().getSubject();
            } catch (java.text.ParseException e) {
                return null;
            }
        }
    }
}
