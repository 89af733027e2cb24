package io.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real gateway over TLS and HTTP/2: bodies, errors, retries, deadline, metrics. */
class PortcullisClientTest {
    static SdkGateway gw;
    static final RetryPolicy FAST = RetryPolicy.builder().initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(50)).build();

    @BeforeAll
    static void start() {
        gw = new SdkGateway();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void get_overHttp2_sendsRequestIdAndHookHeaders() {
        try (PortcullisClient client = gw.client()
                .hook((req, attempt, set) -> set.accept("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .defaultHeader("X-Tenant", "acme")
                .build()) {
            ClientResponse r = client.get("/echo/hello?x=1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.requestId()).isNotBlank();
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.bodyAsString()).contains("uri=/echo/hello?x=1")
                    .contains("traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .contains("x-tenant: acme");
        }
    }

    @Test
    void bodies_bytesStringsStreamsAndJson() throws Exception {
        try (PortcullisClient client = gw.client().build()) {
            assertThat(client.send(ClientRequest.post("/upload").body("héllo", "text/plain").build()).bodyAsString())
                    .startsWith("bytes=6 ");
            byte[] big = new byte[200_000];
            java.util.Arrays.fill(big, (byte) 1);
            assertThat(client.send(ClientRequest.put("/upload").body(() -> new ByteArrayInputStream(big),
                    "application/octet-stream").build()).bodyAsString()).isEqualTo("bytes=200000 sum=200000");
            String json = client.send(ClientRequest.post("/echo").json(Map.of("a", List.of(1, 2))).build()).bodyAsString();
            assertThat(json).contains("content-type: application/json").contains("body=11");
            try (StreamedResponse s = client.stream(ClientRequest.get("/download?bytes=100000").build())) {
                InputStream in = s.body();
                assertThat(in.readAllBytes()).hasSize(100_000);
            }
        }
    }

    @Test
    void rateLimited_waitsRetryAfter_thenSucceeds() {
        String key = UUID.randomUUID().toString();
        try (PortcullisClient client = gw.client().build()) {
            ClientRequest req = ClientRequest.get("/limited/echo").header("X-Limit-Key", key).build();
            assertThat(client.send(req).attempts()).isEqualTo(1);
            long start = System.nanoTime();
            ClientResponse second = client.send(req);
            long waited = System.nanoTime() - start;
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.attempts()).isEqualTo(2);
            // the gateway said Retry-After: 1 and would have refused an earlier retry
            assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void rateLimited_withoutRetries_isTypedWithLimitsAndRequestId() {
        String key = UUID.randomUUID().toString();
        try (PortcullisClient client = gw.client().retryPolicy(RetryPolicy.none()).build()) {
            ClientRequest req = ClientRequest.get("/limited/echo").header("X-Limit-Key", key).build();
            client.send(req);
            assertThatThrownBy(() -> client.send(req)).isInstanceOfSatisfying(RateLimitedException.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                assertThat(e.limits()).singleElement().satisfies(l -> {
                    assertThat(l.name()).isEqualTo("limited");
                    assertThat(l.quota()).isEqualTo(1);
                    assertThat(l.window()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(l.remaining()).isZero();
                });
                assertThat(e.requestId()).isNotBlank().isEqualTo(e.problem().orElseThrow().requestId());
                assertThat(e.headers().firstValue("x-request-id")).contains(e.requestId());
                assertThat(e.getMessage()).contains("429").contains(e.requestId());
            });
        }
    }

    @Test
    void rateLimited_longerThanMaxRetryAfter_failsAtOnce() {
        String key = UUID.randomUUID().toString();
        try (PortcullisClient client = gw.client().build()) {
            ClientRequest req = ClientRequest.get("/hourly/echo").header("X-Limit-Key", key).build();
            client.send(req);
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.send(req)).isInstanceOfSatisfying(RateLimitedException.class,
                    e -> assertThat(e.retryAfter().orElseThrow()).isGreaterThan(Duration.ofMinutes(30)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void rateLimited_retryAfterPastTheDeadline_isNotWaitedFor() {
        String key = UUID.randomUUID().toString();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PortcullisClient client = gw.client().meterRegistry(meters).build()) {
            ClientRequest req = ClientRequest.get("/limited/echo").header("X-Limit-Key", key)
                    .deadline(Duration.ofMillis(500)).build();
            client.send(req);
            // Retry-After: 1 would end after the 500 ms deadline: the caller hears why at once, no retry
            assertThatThrownBy(() -> client.send(req)).isInstanceOf(RateLimitedException.class);
            assertThat(meters.find("portcullis.client.retries").counter()).isNull();
            assertThat(meters.get("portcullis.client.calls").tag("outcome", "429").timer().count()).isEqualTo(1);
        }
    }

    @Test
    void serviceUnavailable_retriedForGet_notForPost_unlessIdempotencyKey() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PortcullisClient client = gw.client().retryPolicy(FAST).meterRegistry(meters).build()) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("/status/503?get").build()))
                    .isInstanceOfSatisfying(UpstreamUnavailableException.class, e -> assertThat(e.status()).isEqualTo(503));
            assertThat(gw.upstreamRequests("/status/503?get")).isEqualTo(3);

            assertThatThrownBy(() -> client.send(ClientRequest.post("/status/503?post").body("x", "text/plain").build()))
                    .isInstanceOf(UpstreamUnavailableException.class);
            assertThat(gw.upstreamRequests("/status/503?post")).isEqualTo(1);

            assertThatThrownBy(() -> client.send(ClientRequest.post("/status/503?keyed").body("x", "text/plain")
                    .idempotencyKey("order-42").build())).isInstanceOf(UpstreamUnavailableException.class);
            assertThat(gw.upstream.requests().stream().filter(r -> r.uri().equals("/status/503?keyed"))
                    .map(r -> r.headers().get("idempotency-key"))).containsExactly("order-42", "order-42", "order-42");

            assertThat(meters.get("portcullis.client.retries").tag("reason", "503").counters())
                    .extracting(c -> c.getId().getTag("method") + "=" + c.count()).containsExactlyInAnyOrder("GET=2.0", "POST=2.0");
            assertThat(meters.get("portcullis.client.calls").tag("method", "GET").tag("outcome", "503").timer().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void errors_areTypedAndCarryTheRequestId() {
        try (PortcullisClient client = gw.client().retryPolicy(RetryPolicy.none()).build()) {
            assertThatThrownBy(() -> client.get("/keyed/echo")).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                assertThat(e.challenge()).startsWith("ApiKey");
                assertThat(e.requestId()).isNotBlank();
                assertThat(e.problem().orElseThrow().status()).isEqualTo(401);
            });
            assertThatThrownBy(() -> client.get("/status/403")).isInstanceOf(ForbiddenException.class);
            assertThatThrownBy(() -> client.get("/status/504")).isInstanceOf(GatewayTimeoutException.class);
            assertThatThrownBy(() -> client.get("/status/418")).isExactlyInstanceOf(PortcullisException.class)
                    .satisfies(e -> assertThat(((PortcullisException) e).status()).isEqualTo(418));
            // the gateway's own 502 (nothing listens upstream): problem+json with the same id as the header
            assertThatThrownBy(() -> client.get("/down/x")).isInstanceOfSatisfying(UpstreamUnavailableException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.problem().orElseThrow().requestId()).isEqualTo(e.requestId()).isNotBlank();
                assertThat(e.problem().orElseThrow().detail()).isNotBlank();
            });
        }
    }

    @Test
    void apiKeyProvider_authenticates() {
        try (PortcullisClient client = gw.client().tokenProvider(TokenProvider.apiKey(SdkGateway.API_KEY)).build()) {
            assertThat(client.get("/keyed/echo").bodyAsString()).doesNotContain("x-api-key");
        }
    }

    @Test
    void deadline_isRespected_acrossAttempts() {
        try (PortcullisClient client = gw.client().build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get("/slow?ms=5000").deadline(Duration.ofMillis(400)).build()))
                    .isInstanceOf(DeadlineExceededException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

            // async: the future fails with the same exception
            CompletableFuture<ClientResponse> f = client.sendAsync(ClientRequest.get("/slow?ms=5000")
                    .deadline(Duration.ofMillis(300)).build());
            assertThatThrownBy(f::join).hasCauseInstanceOf(DeadlineExceededException.class);
        }
    }

    @Test
    void connectFailure_retriedForGetOnly() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PortcullisClient client = PortcullisClient.builder().baseUrl("https://127.0.0.1:" + SdkGateway.freePort())
                .retryPolicy(FAST).meterRegistry(meters).build()) {
            assertThatThrownBy(() -> client.get("/x")).isInstanceOf(TransportException.class);
            assertThat(meters.get("portcullis.client.retries").tag("method", "GET").counter().count()).isEqualTo(2);
            assertThatThrownBy(() -> client.send(ClientRequest.post("/x").build())).isInstanceOf(TransportException.class);
            assertThat(meters.find("portcullis.client.retries").tag("method", "POST").counter()).isNull();
        }
    }

    @Test
    void jsonDecoding_withTheDefaultJacksonCodec() {
        try (PortcullisClient client = gw.client().build()) {
            assertThat(client.codec()).isInstanceOf(JacksonCodec.class);
            byte[] json = client.codec().write(Map.of("k", "v"));
            assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"k\":\"v\"}");
        }
    }

    @Test
    void builders_rejectCleartextToOtherHosts_andAbsolutePaths() {
        assertThatThrownBy(() -> PortcullisClient.builder().baseUrl("http://api.example.com").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("allowCleartext");
        assertThatThrownBy(() -> ClientRequest.get("https://evil.example/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientRequest.get("//evil.example/x")).isInstanceOf(IllegalArgumentException.class);
        PortcullisClient.builder().baseUrl("http://127.0.0.1:1").build().close();
        assertThatThrownBy(() -> LoginTokenProvider.builder("http://auth.example.com").credentials("a", "b").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("allowCleartext");
        assertThatThrownBy(() -> ClientCredentialsTokenProvider.builder("http://idp.example.com/token", "id", "secret").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("allowCleartext");
        ClientCredentialsTokenProvider.builder("http://idp.example.com/token", "id", "secret").allowCleartext().build();
    }
}
