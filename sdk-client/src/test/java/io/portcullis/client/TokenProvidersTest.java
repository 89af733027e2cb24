package io.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token providers through the gateway's {@code jwt} policy: the reference app's login + refresh
 * flow (refresh before expiry, one refresh for 50 concurrent calls, one retry on 401) and OAuth2
 * client credentials. Expiry is driven by a hand-moved clock, except for one test with a real
 * two-second token lifetime.
 */
class TokenProvidersTest {
    record Me(String sub) {
    }

    static SdkGateway gw;
    MutableClock clock;
    PortcullisClient client;

    @BeforeAll
    static void start() {
        gw = new SdkGateway();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @BeforeEach
    void reset() {
        gw.auth.lifetimeSeconds = 60;
        clock = new MutableClock();
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private LoginTokenProvider login(Duration refreshBefore, MutableClock clock) {
        LoginTokenProvider.Builder b = LoginTokenProvider.builder(gw.url()).credentials(StubAuthServer.EMAIL, StubAuthServer.PASSWORD)
                .tls(gw.trust()).refreshBefore(refreshBefore);
        return clock == null ? b.build() : b.clock(clock).build();
    }

    @Test
    void login_thenRefreshBeforeExpiry() {
        client = gw.client().tokenProvider(login(Duration.ofSeconds(10), clock)).build();
        int logins = gw.auth.logins.get();
        int refreshes = gw.auth.refreshes.get();
        assertThat(client.get("/v1/me", Me.class).sub()).isEqualTo(StubAuthServer.EMAIL);
        assertThat(client.get("/v1/me", Me.class).sub()).isEqualTo(StubAuthServer.EMAIL);
        assertThat(gw.auth.logins.get() - logins).isEqualTo(1);
        assertThat(gw.auth.refreshes.get() - refreshes).isZero();

        clock.advance(Duration.ofSeconds(49)); // 11 s left: still good
        client.get("/v1/me");
        assertThat(gw.auth.refreshes.get() - refreshes).isZero();

        clock.advance(Duration.ofSeconds(2)); // 9 s left: inside the refresh window
        client.get("/v1/me");
        client.get("/v1/me");
        assertThat(gw.auth.refreshes.get() - refreshes).isEqualTo(1);
        assertThat(gw.auth.logins.get() - logins).isEqualTo(1);
        assertThat(gw.auth.refreshReuses.get()).isZero();
    }

    @Test
    void refresh_isSingleFlight_under50ConcurrentCalls() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            client = gw.client().tokenProvider(login(Duration.ofSeconds(10), clock)).executor(pool).build();
            client.get("/v1/me");
            int refreshes = gw.auth.refreshes.get();
            clock.advance(Duration.ofSeconds(55));

            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CompletableFuture<ClientResponse> f = new CompletableFuture<>();
                calls.add(f);
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        client.sendAsync(ClientRequest.get("/v1/me").build()).whenComplete((r, e) -> {
                            if (e != null) {
                                f.completeExceptionally(e);
                            } else {
                                f.complete(r);
                            }
                        });
                    } catch (InterruptedException e) {
                        f.completeExceptionally(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            for (CompletableFuture<ClientResponse> f : calls) {
                assertThat(f.join().status()).isEqualTo(200);
            }
            assertThat(gw.auth.refreshes.get() - refreshes).as("refreshes for 50 concurrent calls").isEqualTo(1);
            assertThat(gw.auth.refreshReuses.get()).isZero();
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void unauthorized_isRetriedOnce_withAFreshToken() {
        client = gw.client().tokenProvider(login(Duration.ofSeconds(10), clock)).retryPolicy(RetryPolicy.none()).build();
        client.get("/v1/me");
        int refreshes = gw.auth.refreshes.get();
        gw.auth.revokeAccessTokens(); // the gateway still accepts the JWT; the service says 401
        ClientResponse r = client.get("/v1/me");
        assertThat(r.status()).isEqualTo(200);
        assertThat(gw.auth.refreshes.get() - refreshes).isEqualTo(1);
    }

    @Test
    void unauthorized_withAFixedToken_isThrownAtOnce() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        client = gw.client().tokenProvider(TokenProvider.bearer("not.a.token")).meterRegistry(meters).build();
        assertThatThrownBy(() -> client.get("/v1/me")).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
            assertThat(e.challenge()).contains("invalid_token");
            assertThat(e.requestId()).isNotBlank();
        });
        // a fixed token cannot change: no second request
        assertThat(meters.find("portcullis.client.retries").counter()).isNull();
    }

    @Test
    void wrongPassword_failsTheCall_withTheLoginError() {
        LoginTokenProvider bad = LoginTokenProvider.builder(gw.url()).credentials(StubAuthServer.EMAIL, "wrong")
                .tls(gw.trust()).build();
        client = gw.client().tokenProvider(bad).build();
        assertThatThrownBy(() -> client.get("/v1/me")).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("/auth/login").hasMessageContaining("invalid credentials");
    }

    @Test
    void realShortLifetime_refreshesByItself() throws Exception {
        gw.auth.lifetimeSeconds = 2;
        client = gw.client().tokenProvider(login(Duration.ofMillis(1500), null)).build();
        int refreshes = gw.auth.refreshes.get();
        client.get("/v1/me");
        Thread.sleep(700); // inside the refresh window (2 s lifetime, refresh 1.5 s before expiry)
        client.get("/v1/me");
        assertThat(gw.auth.refreshes.get() - refreshes).isGreaterThanOrEqualTo(1);
    }

    @Test
    void clientCredentials_fetchOnce_reuseUntilExpiry() {
        int grants = gw.auth.clientCredentialGrants.get();
        ClientCredentialsTokenProvider cc = ClientCredentialsTokenProvider.builder(gw.url() + "/oauth/token",
                StubAuthServer.CLIENT_ID, StubAuthServer.CLIENT_SECRET).scope("orders:read").tls(gw.trust()).clock(clock).build();
        client = gw.client().tokenProvider(cc).build();
        for (int i = 0; i < 5; i++) {
            assertThat(client.get("/v1/me", Me.class).sub()).isEqualTo(StubAuthServer.CLIENT_ID);
        }
        assertThat(gw.auth.clientCredentialGrants.get() - grants).isEqualTo(1);
        clock.advance(Duration.ofSeconds(45));
        client.get("/v1/me");
        assertThat(gw.auth.clientCredentialGrants.get() - grants).isEqualTo(2);
    }
}
