package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.refapp.auth.Totp;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwoFactorTest extends AppTestBase {

    @Test
    void totp_setupVerify_thenLoginNeedsAFreshCode() {
        String[] s = Accounts.newSession(http, mail, "totp");
        Http.Response setup = http.post("/auth/2fa/setup", Map.of(), s[0]);
        assertThat(setup.status()).as(setup.body()).isEqualTo(200);
        String secret = setup.text("secret");
        assertThat(setup.text("otpauthUri")).startsWith("otpauth://totp/portcullis-reference-app:")
                .contains("secret=" + secret).contains("period=30");

        assertThat(http.post("/auth/2fa/verify", Map.of("code", "000000".equals(code(secret, 0)) ? "111111" : "000000"), s[0]).status())
                .isEqualTo(400);
        assertThat(http.post("/auth/2fa/verify", Map.of("code", code(secret, 0)), s[0]).status()).isEqualTo(200);

        Http.Response noCode = Accounts.login(http, s[2], Accounts.PASSWORD);
        assertThat(noCode.status()).isEqualTo(401);
        assertThat(noCode.text("type")).isEqualTo("urn:refapp:problem:mfa-required");

        Http.Response sameStep = http.post("/auth/login", Map.of("email", s[2], "password", Accounts.PASSWORD, "totp", code(secret, 0)));
        assertThat(sameStep.status()).as("the code used to verify cannot log in again").isEqualTo(401);
        assertThat(sameStep.text("type")).isEqualTo("urn:refapp:problem:invalid-credentials");

        clock.advance(Duration.ofSeconds(30));
        Http.Response ok = http.post("/auth/login", Map.of("email", s[2], "password", Accounts.PASSWORD, "totp", code(secret, 0)));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        Http.Response replay = http.post("/auth/login", Map.of("email", s[2], "password", Accounts.PASSWORD, "totp", code(secret, 0)));
        assertThat(replay.status()).isEqualTo(401);

        Http.Response wrongPassword = http.post("/auth/login", Map.of("email", s[2], "password", "wrong password here", "totp", code(secret, 1)));
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.text("type")).as("no hint that the code was right").isEqualTo("urn:refapp:problem:invalid-credentials");

        assertThat(http.get("/v1/users/me", ok.text("accessToken")).json().path("twoFactorEnabled").asBoolean()).isTrue();
        assertThat(http.post("/auth/2fa/setup", Map.of(), ok.text("accessToken")).status()).as("no silent reset").isEqualTo(400);
    }

    @Test
    void totp_codeFromOneStepAgo_isAccepted_twoStepsAgo_isNot() {
        String[] s = Accounts.newSession(http, mail, "drift");
        String secret = http.post("/auth/2fa/setup", Map.of(), s[0]).text("secret");
        assertThat(http.post("/auth/2fa/verify", Map.of("code", code(secret, -2)), s[0]).status()).isEqualTo(400);
        assertThat(http.post("/auth/2fa/verify", Map.of("code", code(secret, -1)), s[0]).status()).isEqualTo(200);
    }

    private String code(String secret, int stepOffset) {
        return Totp.code(secret, Totp.step(clock.instant()) + stepOffset);
    }
}
