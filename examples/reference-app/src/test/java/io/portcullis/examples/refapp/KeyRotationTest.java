package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRotationTest extends AppTestBase {

    @Test
    void rotate_keepsTheOldPublicKeyUntilItsTokensExpired() throws Exception {
        String[] user = Accounts.newSession(http, mail, "rotation");
        String oldKid = SignedJWT.parse(user[0]).getHeader().getKeyID();
        List<String> published = kids();
        assertThat(published).contains(oldKid).hasSize(2);

        Http.Response rotated = http.post("/auth/keys/rotate", Map.of(), adminToken());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newKid = rotated.text("kid");
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(published).as("the new key was published before it signed").contains(newKid);
        assertThat(kids()).contains(oldKid, newKid);

        assertThat(http.get("/v1/users/me", user[0]).status()).as("signed by the retired key, not expired").isEqualTo(200);
        Http.Response fresh = Accounts.login(http, user[2], Accounts.PASSWORD);
        assertThat(SignedJWT.parse(fresh.text("accessToken")).getHeader().getKeyID()).isEqualTo(newKid);

        clock.advance(Duration.ofMinutes(10).plusSeconds(61));
        assertThat(kids()).contains(newKid).doesNotContain(oldKid);
        assertThat(http.get("/v1/users/me", user[0]).status()).isEqualTo(401);
        Http.Response refreshed = http.post("/auth/refresh", Map.of("refreshToken", fresh.text("refreshToken")));
        assertThat(http.get("/v1/users/me", refreshed.text("accessToken")).status()).isEqualTo(200);
    }

    @Test
    void rotate_needsTheAdminRole() {
        String[] user = Accounts.newSession(http, mail, "not-admin");
        Http.Response r = http.post("/auth/keys/rotate", Map.of(), user[0]);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("type")).isEqualTo("urn:refapp:problem:forbidden");
        assertThat(http.post("/auth/keys/rotate", Map.of(), null).status()).isEqualTo(401);
    }

    @Test
    void jwks_publishesOnlyPublicRsaKeys() throws Exception {
        Http.Response r = http.get("/auth/keys/jwks.json", null);
        assertThat(r.header("Content-Type")).startsWith("application/jwk-set+json");
        JWKSet set = JWKSet.parse(r.body());
        assertThat(set.getKeys()).isNotEmpty().allSatisfy(k -> {
            assertThat(k.isPrivate()).isFalse();
            assertThat(k.getKeyType().getValue()).isEqualTo("RSA");
            assertThat(k.getAlgorithm().getName()).isEqualTo("RS256");
            assertThat(k.getKeyUse().identifier()).isEqualTo("sig");
        });
        assertThat(r.body()).doesNotContain("\"d\"");
    }

    private java.util.List<String> kids() throws Exception {
        return JWKSet.parse(http.get("/auth/keys/jwks.json", null).body()).getKeys().stream().map(k -> k.getKeyID()).toList();
    }
}
