package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.refapp.users.Role;
import io.portcullis.examples.refapp.users.UserRepository;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RbacAndIdentityTest extends AppTestBase {
    @Autowired
    UserRepository users;

    @Test
    void admin_pingAndRevoke_needRoleAdmin() {
        String[] user = Accounts.newSession(http, mail, "rbac");
        assertThat(http.get("/admin/ping", user[0]).status()).isEqualTo(403);

        String userId = http.get("/v1/users/me", user[0]).text("id");
        users.setRoles(userId, EnumSet.of(Role.USER, Role.SUPPORT));
        Http.Response support = Accounts.login(http, user[2], Accounts.PASSWORD);
        assertThat(http.get("/v1/users/me", support.text("accessToken")).json().path("roles").toString()).contains("support");
        assertThat(http.get("/admin/ping", support.text("accessToken")).status()).as("support is not admin").isEqualTo(403);
        assertThat(http.get("/support/users/" + userId + "/sessions", user[0]).status()).as("plain user").isEqualTo(403);
        Http.Response sessions = http.get("/support/users/" + userId + "/sessions", support.text("accessToken"));
        assertThat(sessions.status()).isEqualTo(200);
        assertThat(sessions.json().path("sessions").size()).isEqualTo(2);
        assertThat(sessions.body()).doesNotContain("refresh");
        Http.Response trail = http.get("/support/users/" + userId + "/audit", support.text("accessToken"));
        assertThat(trail.json().path("events").toString()).contains("\"register\"", "\"login\"", "email.verify.confirm");

        String admin = adminToken();
        Http.Response ping = http.get("/admin/ping", admin);
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.text("status")).isEqualTo("ok");

        Http.Response revoke = http.post("/admin/users/" + userId + "/sessions/revoke", Map.of(), admin);
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(revoke.json().path("revoked").asInt()).isEqualTo(2);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", user[1])).status()).isEqualTo(401);
        assertThat(http.get("/v1/users/me", support.text("accessToken")).status()).isEqualTo(401);
        assertThat(http.post("/admin/users/no-such-user/sessions/revoke", Map.of(), admin).status()).isEqualTo(404);
        assertThat(http.get("/support/users/" + userId + "/audit", admin).json().path("events").toString())
                .contains("admin.sessions.revoke");
    }

    @Test
    void identityHeaders_mustAgreeWithTheToken() {
        String[] a = Accounts.newSession(http, mail, "hdr-a");
        String[] b = Accounts.newSession(http, mail, "hdr-b");
        String idA = http.get("/v1/users/me", a[0]).text("id");
        String idB = http.get("/v1/users/me", b[0]).text("id");

        assertThat(http.get("/v1/users/me", a[0], "X-User-Id", idA, "X-User-Roles", "user").status()).isEqualTo(200);
        assertThat(http.get("/v1/users/me", a[0], "X-User-Id", idB).status()).as("forged id").isEqualTo(401);
        assertThat(http.get("/v1/users/me", a[0], "X-User-Roles", "admin,user").status()).as("forged roles").isEqualTo(401);
        assertThat(http.get("/admin/ping", null, "X-User-Id", idA, "X-User-Roles", "admin").status())
                .as("headers alone are no identity").isEqualTo(401);
    }
}
