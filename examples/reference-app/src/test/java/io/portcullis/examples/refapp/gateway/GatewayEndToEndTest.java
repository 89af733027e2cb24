package io.portcullis.examples.refapp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.portcullis.examples.refapp.Accounts;
import io.portcullis.examples.refapp.Http;
import io.portcullis.examples.refapp.ReferenceApp;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The app behind a real Portcullis gateway ({@link ReferenceGateway}, run in this JVM by the
 * Spring Boot starter, see {@link StarterGateway}): clients speak TLS and HTTP/2 to the gateway only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {ReferenceApp.class, BehindTheGateway.Beans.class},
        properties = {"refapp.gateway.enabled=true", "refapp.gateway.https-port=0"})
@ActiveProfiles("test")
class GatewayEndToEndTest extends BehindTheGateway {
    private static final String ADMIN_EMAIL = "admin@refapp.test";
    private static final String ADMIN_PASSWORD = "admin-password-for-tests-only";



    Http https;
    @LocalServerPort
    int appPort;

    @BeforeEach
    void client() {
        https = new Http(TestTls.shared().httpClient(HttpClient.Version.HTTP_2), "https://localhost:" + gateway.address("https").getPort());
    }

    @Test
    void walkthrough_registerVerifyLoginCallTheApi_thenA429AndA403() {
        String email = Accounts.newEmail("walk");
        Http.Response reg = https.post("/auth/register", Map.of("email", email, "password", Accounts.PASSWORD));
        assertThat(reg.status()).isEqualTo(202);
        assertThat(reg.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(reg.header("strict-transport-security")).startsWith("max-age=31536000");
        assertThat(reg.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(reg.header("content-security-policy")).contains("default-src 'self'");
        assertThat(reg.header("ratelimit-policy")).isNotNull();

        String token = mail.lastToken(email, "verify-email");
        assertThat(https.post("/auth/email/verify/confirm", Map.of("token", token)).status()).isEqualTo(200);
        Http.Response login = Accounts.login(https, email, Accounts.PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String access = login.text("accessToken");

        Http.Response me = https.get("/v1/users/me", access);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(me.text("email")).isEqualTo(email);
        assertThat(https.post("/v1/prompt", Map.of("prompt", "explain tls"), access).text("enhanced")).contains("Task: Explain tls.");
        assertThat(https.post("/v1/chat", Map.of("message", "hello"), access).status()).isEqualTo(200);
        assertThat(https.get("/v1/chat/history", access).json().path("messages").size()).isEqualTo(2);
        assertThat(https.get("/v1/users/me", null).status()).as("no token: refused by the gateway").isEqualTo(401);

        Map<String, Object> batch = Map.of("prompts", List.of(Map.of("prompt", "one")));
        int ok = 0;
        Http.Response limited = null;
        for (int i = 0; i < 40 && limited == null; i++) {
            Http.Response r = https.post("/v1/batch", batch, access);
            if (r.status() == 429) {
                limited = r;
            } else {
                assertThat(r.status()).isEqualTo(200);
                ok++;
            }
        }
        assertThat(limited).as("a 429 within 40 batch calls").isNotNull();
        assertThat(ok).as("the burst of 25 (plus what refilled meanwhile)").isBetween(25, 39);
        assertThat(limited.header("retry-after")).isNotNull();
        assertThat(limited.header("content-type")).startsWith("application/problem+json");
        assertThat(https.get("/v1/users/me", access).status()).as("the batch limit is its own").isEqualTo(200);

        Http.Response admin = https.get("/admin/ping", access);
        assertThat(admin.status()).isEqualTo(403);
        assertThat(admin.header("www-authenticate")).as("answered by the gateway").contains("insufficient_scope");
    }

    @Test
    void forgedIdentityHeaders_areReplacedByTheGateway() {
        String[] s = session("forge");
        String realId = https.get("/v1/users/me", s[0]).text("id");
        Http.Response forged = https.get("/v1/users/me", s[0], "X-User-Id", "someone-else", "X-User-Roles", "admin");
        assertThat(forged.status()).as("the app refuses headers that disagree with the token: these were replaced").isEqualTo(200);
        assertThat(forged.text("id")).isEqualTo(realId);
        assertThat(https.get("/admin/ping", s[0], "X-User-Roles", "admin").status()).isEqualTo(403);
        assertThat(https.get("/support/users/" + realId + "/audit", s[0], "X-User-Roles", "support").status()).isEqualTo(403);
        assertThat(https.get("/admin/ping", null, "X-User-Id", realId, "X-User-Roles", "admin").status()).isEqualTo(401);
    }

    @Test
    void rotatedOutKey_tokensStayValidUntilExpiry_newKeyTokensAccepted() throws Exception {
        String[] s = session("rotate");
        String oldKid = SignedJWT.parse(s[0]).getHeader().getKeyID();
        assertThat(https.get("/v1/users/me", s[0]).status()).isEqualTo(200);

        Http.Response adminLogin = Accounts.login(https, ADMIN_EMAIL, ADMIN_PASSWORD);
        assertThat(https.get("/admin/ping", adminLogin.text("accessToken")).status()).isEqualTo(200);
        Http.Response rotated = https.post("/auth/keys/rotate", Map.of(), adminLogin.text("accessToken"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.text("kid")).isNotEqualTo(oldKid);

        assertThat(https.get("/v1/users/me", s[0]).status()).as("signed by the retired key").isEqualTo(200);
        Http.Response refreshed = https.post("/auth/refresh", Map.of("refreshToken", s[1]));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(SignedJWT.parse(refreshed.text("accessToken")).getHeader().getKeyID()).isEqualTo(rotated.text("kid"));
        assertThat(https.get("/v1/users/me", refreshed.text("accessToken")).status())
                .as("signed by the new key").isEqualTo(200);
    }

    @Test
    void revokedSession_refreshFails_andItsAccessTokenStopsAtTheApp() {
        String[] s = session("revoke");
        Http.Response rotated = https.post("/auth/refresh", Map.of("refreshToken", s[1]));
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(https.post("/auth/refresh", Map.of("refreshToken", s[1])).status()).as("reuse").isEqualTo(401);
        assertThat(https.post("/auth/refresh", Map.of("refreshToken", rotated.text("refreshToken"))).status())
                .as("the family is revoked").isEqualTo(401);
        Http.Response stale = https.get("/v1/users/me", rotated.text("accessToken"));
        assertThat(stale.status()).as("valid JWT for the gateway, revoked session for the app").isEqualTo(401);
        assertThat(stale.text("type")).isEqualTo("urn:refapp:problem:unauthenticated");
    }

    @Test
    void theStarterRunsReferenceGatewayInFrontOfTheAppsBoundPort() {
        GatewayConfig config = gateway.config();
        assertThat(config.routes()).extracting(RouteConfig::id).doesNotContain("app").contains("/v1", "/admin");
        assertThat(config.routes()).allSatisfy(r -> assertThat(r.upstream().url()).isEqualTo(URI.create("http://127.0.0.1:" + appPort)));
        assertThat(config.routes()).filteredOn(r -> r.id().equals("/v1")).singleElement()
                .satisfies(r -> assertThat(r.policies().get(0).settings().get("issuers").toString())
                        .contains("http://127.0.0.1:" + appPort + "/auth/keys/jwks.json"));
        assertThat(gateway.isRunning()).isTrue();
    }

    @Test
    void health_isPublic_unknownPaths_areTheGateways404() {
        assertThat(https.get("/health", null).status()).isEqualTo(200);
        Http.Response unknown = https.get("/actuator/env", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("x-frame-options")).isEqualTo("DENY");
    }

    private String[] session(String prefix) {
        String email = Accounts.newEmail(prefix);
        Accounts.registerVerified(https, mail, email);
        Http.Response r = Accounts.login(https, email, Accounts.PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new String[] {r.text("accessToken"), r.text("refreshToken")};
    }
}
