package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthFlowTest extends AppTestBase {

    @Test
    void register_verify_login_issuesAccessTokenWithAllClaims() throws Exception {
        String email = Accounts.newEmail("flow");
        Http.Response reg = http.post("/auth/register", Map.of("email", email, "password", Accounts.PASSWORD));
        assertThat(reg.status()).isEqualTo(202);

        Http.Response early = Accounts.login(http, email, Accounts.PASSWORD);
        assertThat(early.status()).isEqualTo(403);
        assertThat(early.text("type")).isEqualTo("urn:refapp:problem:email-not-verified");

        String token = mail.lastToken(email, "verify-email");
        assertThat(http.post("/auth/email/verify/confirm", Map.of("token", token)).status()).isEqualTo(200);
        Http.Response login = Accounts.login(http, email, Accounts.PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.text("tokenType")).isEqualTo("Bearer");
        assertThat(login.json().path("expiresIn").asLong()).isEqualTo(600);
        assertThat(login.text("refreshToken")).hasSizeGreaterThanOrEqualTo(43);

        SignedJWT jwt = SignedJWT.parse(login.text("accessToken"));
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("portcullis-reference-app");
        assertThat(claims.getAudience()).containsExactly("portcullis-reference-api");
        assertThat(claims.getStringListClaim("roles")).containsExactly("user");
        assertThat(claims.getStringClaim("scope")).isEqualTo("api:read api:write");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(600_000);
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));

        Http.Response me = http.get("/v1/users/me", login.text("accessToken"));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.text("email")).isEqualTo(email);
        assertThat(me.text("id")).isEqualTo(claims.getSubject());
        assertThat(me.json().path("verified").asBoolean()).isTrue();
    }

    @Test
    void register_takenEmail_answersTheSameAndTellsTheOwner() {
        String email = Accounts.newEmail("dup");
        Http.Response first = http.post("/auth/register", Map.of("email", email, "password", Accounts.PASSWORD));
        Http.Response second = http.post("/auth/register", Map.of("email", email.toUpperCase(), "password", "another long passphrase"));
        assertThat(second.status()).isEqualTo(first.status()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(mail.to(email)).extracting(m -> m.purpose()).containsExactly("verify-email", "duplicate-registration");
    }

    @Test
    void register_weakPassword_isRefusedWithTheRule() {
        String email = Accounts.newEmail("weak");
        for (String bad : new String[] {"short", "password1234", "aaaaaaaaaaaaaaaa", email + "xyz"}) {
            Http.Response r = http.post("/auth/register", Map.of("email", email, "password", bad));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.text("type")).isEqualTo("urn:refapp:problem:weak-password");
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(mail.to(email)).isEmpty();
    }

    @Test
    void login_unknownEmailAndWrongPassword_getTheSameAnswer() {
        String[] s = Accounts.newSession(http, mail, "uniform");
        Http.Response wrong = Accounts.login(http, s[2], "not the password at all");
        Http.Response unknown = Accounts.login(http, Accounts.newEmail("nobody"), "not the password at all");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(wrong.body());
        assertThat(wrong.text("type")).isEqualTo("urn:refapp:problem:invalid-credentials");
    }

    @Test
    void emailVerification_tokenIsSingleUseAndExpires() {
        String email = Accounts.newEmail("once");
        http.post("/auth/register", Map.of("email", email, "password", Accounts.PASSWORD));
        String first = mail.lastToken(email, "verify-email");

        http.post("/auth/email/verify/request", Map.of("email", email));
        String second = mail.lastToken(email, "verify-email");
        assertThat(second).isNotEqualTo(first);
        assertThat(http.post("/auth/email/verify/confirm", Map.of("token", first)).status())
                .as("a newer token replaces the older").isEqualTo(400);

        clock.advance(Duration.ofHours(24).plusSeconds(1));
        Http.Response expired = http.post("/auth/email/verify/confirm", Map.of("token", second));
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.text("type")).isEqualTo("urn:refapp:problem:invalid-token");

        http.post("/auth/email/verify/request", Map.of("email", email));
        String third = mail.lastToken(email, "verify-email");
        assertThat(http.post("/auth/email/verify/confirm", Map.of("token", third)).status()).isEqualTo(200);
        assertThat(http.post("/auth/email/verify/confirm", Map.of("token", third)).status()).isEqualTo(400);
    }

    @Test
    void requests_forUnknownAddresses_answerLikeKnownOnes() {
        String[] s = Accounts.newSession(http, mail, "known");
        String unknown = Accounts.newEmail("unknown");
        for (String path : new String[] {"/auth/password-reset/request", "/auth/email/verify/request"}) {
            Http.Response a = http.post(path, Map.of("email", s[2]));
            Http.Response b = http.post(path, Map.of("email", unknown));
            assertThat(a.status()).isEqualTo(b.status()).isEqualTo(202);
            assertThat(a.body()).isEqualTo(b.body());
        }
        assertThat(mail.to(unknown)).isEmpty();
    }

    @Test
    void passwordReset_changesThePasswordAndEndsEverySession() {
        String[] s = Accounts.newSession(http, mail, "reset");
        http.post("/auth/password-reset/request", Map.of("email", s[2]));
        String token = mail.lastToken(s[2], "reset-password");

        Http.Response weak = http.post("/auth/password-reset/confirm", Map.of("token", token, "newPassword", "short"));
        assertThat(weak.status()).isEqualTo(400);
        Http.Response ok = http.post("/auth/password-reset/confirm", Map.of("token", token, "newPassword", "a brand new passphrase"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(http.post("/auth/password-reset/confirm", Map.of("token", token, "newPassword", "yet another passphrase")).status())
                .as("single use").isEqualTo(400);

        assertThat(Accounts.login(http, s[2], Accounts.PASSWORD).status()).isEqualTo(401);
        assertThat(Accounts.login(http, s[2], "a brand new passphrase").status()).isEqualTo(200);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", s[1])).status()).isEqualTo(401);
        assertThat(http.get("/v1/users/me", s[0]).status()).isEqualTo(401);
    }

    @Test
    void login_isThrottledPerAccount_forKnownAndUnknownAddressesAlike() {
        String[] s = Accounts.newSession(http, mail, "throttle");
        String unknown = Accounts.newEmail("throttle-unknown");
        for (int i = 0; i < 5; i++) {
            assertThat(Accounts.login(http, s[2], "wrong password " + i).status()).isEqualTo(401);
            assertThat(Accounts.login(http, unknown, "wrong password " + i).status()).isEqualTo(401);
        }
        Http.Response known = Accounts.login(http, s[2], Accounts.PASSWORD);
        Http.Response other = Accounts.login(http, unknown, Accounts.PASSWORD);
        assertThat(known.status()).isEqualTo(429);
        assertThat(known.header("Retry-After")).isEqualTo("901");
        assertThat(other.status()).isEqualTo(429);
        assertThat(other.body()).isEqualTo(known.body());

        clock.advance(Duration.ofMinutes(15));
        assertThat(Accounts.login(http, s[2], Accounts.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void errors_areProblemDocuments() {
        Http.Response noToken = http.get("/v1/users/me", null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.header("Content-Type")).startsWith("application/problem+json");
        assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"refapp\"");
        Http.Response garbage = http.get("/v1/users/me", "not.a.jwt");
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(garbage.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        Http.Response badJson = http.post("/auth/login", "{not json", null);
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.header("Content-Type")).startsWith("application/problem+json");
        assertThat(badJson.body()).doesNotContain("Exception").doesNotContain("tools.jackson");
    }
}
