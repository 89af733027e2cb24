package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.internal.tls.PemFiles;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key sets from a real JWKS endpoint over time: rotation without restart, single-flight and
 * rate-limited refresh on unknown kid, cache purge when a key leaves, stale-while-error, an
 * endpoint that never answered, HTTPS with a private CA, and an event loop that never waits.
 */
class JwksRefreshTest {
    static final TestKeys K1 = TestKeys.rsa("k1", JWSAlgorithm.RS256);
    static final TestKeys K2 = TestKeys.ec("k2");
    static final TestKeys K3 = TestKeys.ed25519("k3");

    JwksServer jwks;
    GatewayFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (jwks != null) {
            jwks.close();
        }
    }

    private void start(String minRefreshInterval, Map<String, Object> extra) {
        Map<String, Object> issuer = new HashMap<>(Map.of("issuer", TestKeys.ISSUER, "jwksUrl", jwks.url(),
                "minRefreshInterval", minRefreshInterval, "refreshInterval", "1h"));
        issuer.putAll(extra);
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .ioThreads(1)
                .route(RouteConfig.prefix("/api").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(issuer)))).build())
                .route(RouteConfig.prefix("/free").to(up.url()).build()));
    }

    private int status(String token) throws Exception {
        return fixture.exchange("GET /api/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n").status();
    }

    private CompletableFuture<Integer> statusAsync(String token) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return status(token);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aNewKidIsPickedUpWithoutRestartInOneSharedFetch() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1));
        start("0s", Map.of());
        assertThat(status(K1.token("a"))).isEqualTo(200);
        int before = jwks.hits.get();
        jwks.body(TestKeys.jwks(K1, K2));
        jwks.hold();
        List<CompletableFuture<Integer>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(statusAsync(K2.token("user" + i)));
        }
        assertThat(jwks.awaitRequest()).isTrue();
        Thread.sleep(200); // let the other four arrive and join the fetch under way
        jwks.release();
        for (CompletableFuture<Integer> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        }
        assertThat(jwks.hits.get() - before).as("one fetch for five requests").isEqualTo(1);
        assertThat(status(K2.token("b"))).isEqualTo(200);
        assertThat(jwks.hits.get() - before).isEqualTo(1);
    }

    @Test
    void unknownKidRefreshIsRateLimited() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1));
        start("1h", Map.of());
        assertThat(status(K1.token("a"))).isEqualTo(200);
        int before = jwks.hits.get();
        jwks.body(TestKeys.jwks(K1, K2));
        for (int i = 0; i < 5; i++) {
            assertThat(status(K2.token("b" + i))).isEqualTo(401);
        }
        assertThat(jwks.hits.get()).as("no fetch within minRefreshInterval").isEqualTo(before);
    }

    @Test
    void cachedTokensGoWhenTheirKeyLeavesTheSet() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1, K2));
        start("0s", Map.of());
        String old = K1.token("a");
        assertThat(status(old)).isEqualTo(200);
        assertThat(status(old)).isEqualTo(200); // now cached
        jwks.body(TestKeys.jwks(K2, K3));
        assertThat(status(K3.token("b"))).as("unknown kid k3 triggers the refresh").isEqualTo(200);
        assertThat(status(old)).as("k1 is gone, so is its cached verification").isEqualTo(401);
        assertThat(status(K2.token("c"))).isEqualTo(200);
    }

    @Test
    void theLastGoodSetServesWhileTheEndpointFails() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1));
        start("0s", Map.of());
        assertThat(status(K1.token("a"))).isEqualTo(200);
        jwks.status(500);
        assertThat(status(K2.token("b"))).as("unknown kid, refresh fails").isEqualTo(401);
        assertThat(status(K1.token("c"))).isEqualTo(200);
        jwks.status(200);
        jwks.body("{\"keys\": \"not a list\"}");
        assertThat(status(K2.token("d"))).isEqualTo(401);
        assertThat(status(K1.token("e"))).isEqualTo(200);
        jwks.close();
        long t0 = System.nanoTime();
        assertThat(status(K2.token("f"))).as("endpoint down: unknown kid fails").isEqualTo(401);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("fails fast, not at the fetch timeout").isLessThan(4);
        assertThat(status(K1.token("g"))).as("endpoint down: known keys still work").isEqualTo(200);
        jwks = null;
    }

    @Test
    void keysThatNeverLoadedAnswer503NotInvalidToken() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1));
        jwks.status(503);
        start("1h", Map.of());
        RawHttp.Result r = fixture.exchange("GET /api/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + K1.token("a") + "\r\n\r\n");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("10");
    }

    @Test
    void theEventLoopServesOthersWhileAFetchIsUnderWay() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1));
        start("0s", Map.of());
        assertThat(status(K1.token("a"))).isEqualTo(200);
        jwks.body(TestKeys.jwks(K1, K2));
        jwks.hold();
        CompletableFuture<Integer> waiting = statusAsync(K2.token("b"));
        assertThat(jwks.awaitRequest()).as("the request with the new kid started a fetch").isTrue();
        // one event loop only: if the fetch blocked it, this request could not be answered
        RawHttp.Result other = fixture.exchange("GET /free/x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(other.status()).isEqualTo(200);
        assertThat(status(K1.token("c"))).isEqualTo(200);
        assertThat(waiting).isNotDone();
        jwks.release();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    }

    @Test
    void aReloadThatDropsTheJwtPolicyStopsItsFetcher() throws Exception {
        jwks = JwksServer.start(TestKeys.jwks(K1));
        jwks.status(500); // failing fetches retry after 1 s, 2 s, 4 s ...: easy to watch stop
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .timeouts(io.portcullis.gateway.Timeouts.builder().request(java.time.Duration.ofMillis(200)).build())
                .route(RouteConfig.prefix("/api").to(up.url())
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(Map.of("issuer", TestKeys.ISSUER,
                                "jwksUrl", jwks.url(), "refreshInterval", "1h"))))).build()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jwks.hits.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the first fetch and its first retry
        }
        assertThat(jwks.hits.get()).isGreaterThanOrEqualTo(2);
        io.portcullis.gateway.GatewayConfig withoutJwt = Gateway.builder()
                .timeouts(io.portcullis.gateway.Timeouts.builder().request(java.time.Duration.ofMillis(200)).build())
                .route(RouteConfig.prefix("/api").to(fixture.upstream.url()).build())
                .listener(fixture.gateway.config().listeners().get(0))
                .buildConfig();
        fixture.gateway.reload(withoutJwt);
        Thread.sleep(500); // the retired policies' resources close after timeouts.request
        int afterRetire = jwks.hits.get();
        Thread.sleep(5_000); // long enough for at least two more retries (backoff <= 4 s so far)
        assertThat(jwks.hits.get()).as("no fetch after the policy using the key set was retired").isEqualTo(afterRetire);
    }

    /** A JDK server context with the shared test certificate (issued by the test CA, not publicly trusted). */
    private static SSLContext serverContext() throws Exception {
        TestTls tls = TestTls.shared();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", PemFiles.readPrivateKey(tls.key), new char[0],
                PemFiles.readCertificates(tls.chain).toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    @Test
    void httpsEndpointWithAPrivateCa() throws Exception {
        jwks = JwksServer.startTls(TestKeys.jwks(K1), serverContext());
        start("0s", Map.of("jwksCa", TestTls.shared().caPem.toString()));
        assertThat(status(K1.token("a"))).isEqualTo(200);
    }

    @Test
    void httpsEndpointWithAnUntrustedCertificateNeverLoads() throws Exception {
        jwks = JwksServer.startTls(TestKeys.jwks(K1), serverContext());
        start("1h", Map.of());
        assertThat(status(K1.token("a"))).isEqualTo(503);
    }
}
