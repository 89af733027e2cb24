package io.portcullis.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testing.IdentityBackend;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One gateway behaviour, every face. Subclasses start a gateway for a {@link GatewayIntent} through
 * one face (the builder API, the standalone server from a YAML file, the Spring Boot starter from
 * properties) and inherit every behaviour test here: TLS with ALPN, redirect, routing with a
 * rewrite, a cluster route balanced over two endpoints, JWT, rate limits, security headers,
 * problem+json errors, graceful drain. All through
 * real sockets: a {@link TestUpstream} origin, JDK and Netty HTTP/2 clients over TLS.
 *
 * <p>A face that cannot express a part of the intent must throw from {@link #start(GatewayIntent)}
 * (every test then fails with its message) or override the affected test with one that asserts
 * the refusal: never skip it silently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayConformance {
    protected static final String ISSUER = "conformance-issuer";
    protected static final String SECRET = "a-conformance-secret-of-32-bytes-at-least";
    protected static final int RATE_LIMIT = 3;
    protected static final int REDIRECT_HTTPS_PORT = 8443;

    private TestUpstream upstream;
    private IdentityBackend one;
    private IdentityBackend two;
    private GatewayIntent intent;
    private RunningGateway gateway;
    private HttpClient h2;
    private HttpClient h1;

    /** Starts a gateway configured through this face to {@code intent}; it must be serving on return. */
    protected abstract RunningGateway start(GatewayIntent intent) throws Exception;

    @BeforeAll
    void startGateway() throws Exception {
        upstream = TestUpstream.start();
        one = IdentityBackend.start("one");
        two = IdentityBackend.start("two");
        TestTls tls = TestTls.shared();
        intent = new GatewayIntent(tls.chain, tls.key, REDIRECT_HTTPS_PORT, upstream.url(),
                "http://127.0.0.1:" + closedPort(), ISSUER, SECRET, RATE_LIMIT, Duration.ofMinutes(1),
                Duration.ofSeconds(10), List.of(one.url(), two.url()));
        h2 = tls.httpClient(HttpClient.Version.HTTP_2);
        h1 = tls.httpClient(HttpClient.Version.HTTP_1_1);
        gateway = start(intent);
    }

    @AfterAll
    void stopGateway() {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            upstream.close();
            one.close();
            two.close();
        }
    }

    /** The intent every test of this class runs against. */
    protected GatewayIntent intent() {
        return intent;
    }

    // ---- TLS and ALPN

    @Test
    void tlsHandshakeNegotiatesH2AndHttp11ByAlpn() throws Exception {
        assertThat(alpn("h2", "http/1.1")).isEqualTo("h2");
        assertThat(alpn("http/1.1")).isEqualTo("http/1.1");
        try (NettyH2Client netty = new NettyH2Client("localhost", port(), true)) {
            assertThat(netty.negotiatedProtocol()).isEqualTo("h2");
        }
    }

    @Test
    void requestsOverH2AndHttp11BothReachTheUpstream() throws Exception {
        HttpResponse<String> viaH2 = send(h2, "/svc/echo/v", null);
        assertThat(viaH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(viaH2.statusCode()).isEqualTo(200);
        HttpResponse<String> viaH1 = send(h1, "/svc/echo/v", null);
        assertThat(viaH1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(viaH1.statusCode()).isEqualTo(200);
    }

    @Test
    void redirectListenerSendsCleartextClientsToHttps() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", gateway.address(GatewayIntent.REDIRECT_LISTENER).getPort())) {
            RawHttp.Result r = raw.send("GET /svc/a?b=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(301);
            assertThat(r.header("location")).isEqualTo("https://localhost:" + REDIRECT_HTTPS_PORT + "/svc/a?b=1");
        }
    }

    // ---- routing

    @Test
    void prefixRouteRewritesThePathAndReachesTheUpstream() throws Exception {
        HttpResponse<String> r = send(h2, "/svc/echo/orders?page=2", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("uri=/echo/orders?page=2\n");
        assertThat(r.body()).contains("x-forwarded-proto: https\n");
        assertThat(r.headers().firstValue("x-upstream-header")).hasValue("yes"); // the upstream's response
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void clusterRouteSpreadsRequestsOverItsEndpoints() throws Exception {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = send(h2, "/balanced/who", null);
            assertThat(r.statusCode()).isEqualTo(200);
            answers.merge(r.body(), 1, Integer::sum);
        }
        assertThat(answers).containsOnlyKeys("one", "two");
    }

    // ---- JWT

    @Test
    void jwtMissingTokenIs401WithAChallenge() throws Exception {
        HttpResponse<String> r = send(h2, "/secure/echo/me", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        assertProblem(r, 401);
    }

    @Test
    void jwtBadTokensAre401InvalidToken() throws Exception {
        for (String bad : new String[] {"not.a.token", token(ISSUER, "x".repeat(40), "alice"), token("other-issuer", SECRET, "alice")}) {
            HttpResponse<String> r = send(h2, "/secure/echo/me", "Bearer " + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
        }
    }

    @Test
    void jwtGoodTokenIsForwardedWithItsClaimHeader() throws Exception {
        HttpResponse<String> r = send(h2, "/secure/echo/me", "Bearer " + token(ISSUER, SECRET, "alice"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("uri=/echo/me\n").contains("x-user-id: alice\n");
    }

    // ---- rate limit

    @Test
    void rateLimitAdmitsNThenAnswers429WithHeaders() throws Exception {
        for (int i = 1; i <= RATE_LIMIT; i++) {
            int remaining = RATE_LIMIT - i;
            HttpResponse<String> ok = send(h2, "/limited/echo", null);
            assertThat(ok.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(ok.headers().firstValue("ratelimit-policy")).hasValueSatisfying(v -> assertThat(v).contains(";q=" + RATE_LIMIT + ";w=60"));
            assertThat(ok.headers().firstValue("ratelimit")).hasValueSatisfying(v -> assertThat(v).contains(";r=" + remaining + ";"));
        }
        HttpResponse<String> denied = send(h2, "/limited/echo", null);
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        assertThat(denied.headers().firstValue("ratelimit")).hasValueSatisfying(v -> assertThat(v).contains(";r=0;"));
        assertProblem(denied, 429);
    }

    // ---- security headers

    @Test
    void securityHeadersAreOnProxiedAndGatewayResponses() throws Exception {
        for (HttpResponse<String> r : new HttpResponse[] {send(h2, "/svc/echo", null), send(h1, "/nowhere", null)}) {
            assertThat(r.headers().firstValue("strict-transport-security")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
            assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
            assertThat(r.headers().firstValue("referrer-policy")).isPresent();
        }
    }

    // ---- gateway errors

    @Test
    void noRouteIs404ProblemWithRequestId() throws Exception {
        assertProblem(send(h2, "/nowhere", null), 404);
    }

    @Test
    void deadUpstreamIs502ProblemWithRequestId() throws Exception {
        assertProblem(send(h2, "/dead/x", null), 502);
    }

    // ---- graceful drain (a gateway of its own: this one is closed)

    @Test
    void closeDrainsRequestsInFlightThenRefusesConnections() throws Exception {
        RunningGateway draining = start(intent);
        boolean closed = false;
        try {
            int port = draining.address(GatewayIntent.HTTPS_LISTENER).getPort();
            int before = upstream.requests().size();
            HttpClient client = TestTls.shared().httpClient(HttpClient.Version.HTTP_1_1);
            CompletableFuture<HttpResponse<String>> viaH1 = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/svc/slow?ms=800")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // the JDK 17 client fails open HTTP/2 streams on GOAWAY, so HTTP/2 goes through the Netty client
            NettyH2Client netty = new NettyH2Client("localhost", port, true);
            CompletableFuture<NettyH2Client.Response> viaH2 = CompletableFuture.supplyAsync(() -> {
                try {
                    return netty.send(NettyH2Client.headers("GET", "localhost:" + port, "/svc/slow?ms=800"), null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                awaitUpstreamRequests(before + 2);
                CompletableFuture<Void> closing = CompletableFuture.runAsync(draining::close);
                closed = true;
                HttpResponse<String> r1 = viaH1.get(10, TimeUnit.SECONDS);
                assertThat(r1.statusCode()).isEqualTo(200);
                assertThat(r1.body()).isEqualTo("slow done");
                NettyH2Client.Response r2 = viaH2.get(10, TimeUnit.SECONDS);
                assertThat(r2.status()).isEqualTo(200);
                assertThat(r2.body()).isEqualTo("slow done");
                closing.get(15, TimeUnit.SECONDS);
            } finally {
                netty.close();
            }
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        } finally {
            if (!closed) {
                draining.close();
            }
        }
    }

    // ---- helpers

    private int port() {
        return gateway.address(GatewayIntent.HTTPS_LISTENER).getPort();
    }

    private HttpResponse<String> send(HttpClient client, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port() + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        String requestId = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(r.body()).contains("\"status\":" + status).contains("\"requestId\":\"" + requestId + "\"");
    }

    /** The protocol the gateway picks when a client offers {@code protocols} by ALPN. */
    private String alpn(String... protocols) throws IOException {
        try (SSLSocket s = (SSLSocket) TestTls.shared().clientContext().getSocketFactory().createSocket("localhost", port())) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(protocols);
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return s.getApplicationProtocol();
        }
    }

    protected static String token(String issuer, String secret, String subject) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** Waits (bounded) until the upstream has seen {@code n} requests: both drain requests are in flight. */
    private void awaitUpstreamRequests(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (upstream.requests().size() < n) {
            assertThat(System.nanoTime() - deadline).as("requests reached the upstream in time").isNegative();
            Thread.sleep(10); // polling a condition with a deadline: TestUpstream has no hook to wait on
        }
    }

    /** A loopback port nothing listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
