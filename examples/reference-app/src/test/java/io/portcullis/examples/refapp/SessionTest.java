package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.refapp.audit.AuditLog;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SessionTest extends AppTestBase {
    @Autowired
    AuditLog audit;

    @Test
    void refresh_rotatesTheRefreshToken() {
        String[] s = Accounts.newSession(http, mail, "rotate");
        Http.Response r1 = http.post("/auth/refresh", Map.of("refreshToken", s[1]));
        assertThat(r1.status()).as(r1.body()).isEqualTo(200);
        assertThat(r1.text("refreshToken")).isNotEqualTo(s[1]);
        Http.Response r2 = http.post("/auth/refresh", Map.of("refreshToken", r1.text("refreshToken")));
        assertThat(r2.status()).isEqualTo(200);
        assertThat(http.get("/v1/users/me", r2.text("accessToken")).status()).isEqualTo(200);
    }

    @Test
    void refresh_reuseOfARotatedToken_revokesTheWholeFamily() {
        String[] s = Accounts.newSession(http, mail, "reuse");
        Http.Response rotated = http.post("/auth/refresh", Map.of("refreshToken", s[1]));
        assertThat(rotated.status()).isEqualTo(200);

        Http.Response replay = http.post("/auth/refresh", Map.of("refreshToken", s[1]));
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.text("type")).isEqualTo("urn:refapp:problem:invalid-refresh-token");

        assertThat(http.post("/auth/refresh", Map.of("refreshToken", rotated.text("refreshToken"))).status())
                .as("the legitimate newest token dies with the family").isEqualTo(401);
        assertThat(http.get("/v1/users/me", rotated.text("accessToken")).status())
                .as("access tokens of the session stop at the app at once").isEqualTo(401);
        String userId = http.get("/v1/users/me", Accounts.login(http, s[2], Accounts.PASSWORD).text("accessToken")).text("id");
        assertThat(audit.forUser(userId)).anyMatch(e -> e.event().equals("refresh.reuse") && e.outcome().equals("revoked"));
    }

    @Test
    void refresh_unknownToken_getsTheSameAnswerAsAReplay() {
        Http.Response unknown = http.post("/auth/refresh", Map.of("refreshToken", "made-up-token"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.text("type")).isEqualTo("urn:refapp:problem:invalid-refresh-token");
    }

    @Test
    void refresh_afterThirtyDays_fails() {
        String[] s = Accounts.newSession(http, mail, "expiry");
        clock.advance(Duration.ofDays(30).plusSeconds(1));
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", s[1])).status()).isEqualTo(401);
    }

    @Test
    void logout_endsOneSession_logoutAll_endsEvery() {
        String[] a = Accounts.newSession(http, mail, "logout");
        Http.Response second = Accounts.login(http, a[2], Accounts.PASSWORD);
        Http.Response third = Accounts.login(http, a[2], Accounts.PASSWORD);

        assertThat(http.post("/auth/logout", Map.of("refreshToken", a[1])).status()).isEqualTo(204);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", a[1])).status()).isEqualTo(401);
        assertThat(http.get("/v1/users/me", a[0]).status()).isEqualTo(401);
        assertThat(http.get("/v1/users/me", second.text("accessToken")).json().path("activeSessions").asLong()).isEqualTo(2);

        Http.Response all = http.post("/auth/logout-all", Map.of(), second.text("accessToken"));
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().path("revoked").asInt()).isEqualTo(2);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", second.text("refreshToken"))).status()).isEqualTo(401);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", third.text("refreshToken"))).status()).isEqualTo(401);
        assertThat(http.post("/auth/logout", Map.of("refreshToken", "anything")).status()).isEqualTo(204);
    }

    @Test
    void login_recordsTheDeviceAndAddress() {
        String email = Accounts.newEmail("device");
        Accounts.registerVerified(http, mail, email);
        Http.Response first = http.post("/auth/login", Map.of("email", email, "password", Accounts.PASSWORD), null,
                "User-Agent", "device-test/1", "X-Device-Id", "phone-1");
        http.post("/auth/login", Map.of("email", email, "password", Accounts.PASSWORD), null,
                "User-Agent", "device-test/1", "X-Device-Id", "phone-1");
        String userId = http.get("/v1/users/me", first.text("accessToken")).text("id");
        assertThat(audit.forUser(userId))
                .filteredOn(e -> e.event().equals("login") && e.outcome().equals("success"))
                .extracting(AuditLog.Event::detail)
                .containsExactly("new device", null);
        assertThat(audit.forUser(userId)).allMatch(e -> e.ip() == null || e.ip().equals("127.0.0.1"));
    }
}
