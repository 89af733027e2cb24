package io.portcullis.examples.refapp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.client.ClientRequest;
import io.portcullis.client.ClientResponse;
import io.portcullis.client.ForbiddenException;
import io.portcullis.client.LoginTokenProvider;
import io.portcullis.client.PortcullisClient;
import io.portcullis.client.RateLimitedException;
import io.portcullis.client.TlsSettings;
import io.portcullis.examples.refapp.Accounts;
import io.portcullis.examples.refapp.Http;
import io.portcullis.examples.refapp.ReferenceApp;
import io.portcullis.testing.TestTls;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

/**
 * The SDK against this app behind a real gateway over TLS + HTTP/2: the login + refresh flow with
 * short-lived tokens (one refresh for 50 concurrent calls after expiry), typed errors from the
 * gateway (403 from its jwt policy, 429 from its rate limit) carrying the request id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {ReferenceApp.class, BehindTheGateway.Beans.class},
        properties = {"refapp.gateway.enabled=true", "refapp.gateway.https-port=0", "refapp.tokens.access-ttl=3s"})
@ActiveProfiles("test")
class SdkThroughGatewayTest extends BehindTheGateway {



    @Autowired
    JdbcClient jdbc;

    private int refreshes() {
        return jdbc.sql("select count(*) from audit_events where event = 'refresh' and outcome = 'success'")
                .query(Integer.class).single();
    }

    @Test
    void loginAndRefreshThroughTheGateway() throws Exception {
        String base = "https://localhost:" + gateway.address("https").getPort();
        Http https = new Http(TestTls.shared().httpClient(HttpClient.Version.HTTP_2), base);
        String email = Accounts.newEmail("sdk");
        Accounts.registerVerified(https, mail, email);
        TlsSettings tls = TlsSettings.builder().trustPem(TestTls.shared().caPem).build();
        LoginTokenProvider tokens = LoginTokenProvider.builder(base).credentials(email, Accounts.PASSWORD).tls(tls)
                .refreshBefore(Duration.ofMillis(500)).build();
        try (PortcullisClient client = PortcullisClient.builder().baseUrl(base).tls(tls).tokenProvider(tokens).build()) {
            ClientResponse me = client.get("/v1/users/me");
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(me.bodyAsString()).contains(email);

            Thread.sleep(3_000); // the 3 s access token is now expired (or within its last 500 ms)
            int before = refreshes();
            List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(client.sendAsync(ClientRequest.get("/v1/users/me").build()));
            }
            for (CompletableFuture<ClientResponse> c : calls) {
                assertThat(c.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(refreshes() - before).as("one refresh for 50 concurrent calls").isEqualTo(1);

            // the gateway's jwt policy refuses a user on /admin: typed, with the gateway's request id
            assertThatThrownBy(() -> client.get("/admin/ping"))
                    .isInstanceOfSatisfying(ForbiddenException.class, e -> assertThat(e.requestId()).isNotBlank());
            // the gateway's 25/min limit on /v1/batch: a POST is not retried, the 429 is typed
            RateLimitedException limited = null;
            for (int i = 0; i < 30 && limited == null; i++) {
                try {
                    client.send(ClientRequest.post("/v1/batch").json(Map.of("prompts", List.of(Map.of("prompt", "p" + i)))).build());
                } catch (RateLimitedException e) {
                    limited = e;
                }
            }
            assertThat(limited).as("a 429 within 30 calls").isNotNull();
            assertThat(limited.retryAfter()).isPresent();
            assertThat(limited.requestId()).isNotBlank();
        }
    }
}
