package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test steps shared by the app and end-to-end tests: register, verify by the mailed token, log in. */
public final class Accounts {
    public static final String PASSWORD = "a long enough test passphrase";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Accounts() {
    }

    /** A fresh, unique address. */
    public static String newEmail(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet() + "-" + System.nanoTime() + "@example.test";
    }

    /** Registers and verifies {@code email} with {@link #PASSWORD}. */
    public static void registerVerified(Http http, CapturingMailSender mail, String email) {
        Http.Response r = http.post("/auth/register", Map.of("email", email, "password", PASSWORD));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String token = mail.lastToken(email, "verify-email");
        Http.Response v = http.post("/auth/email/verify/confirm", Map.of("token", token));
        assertThat(v.status()).as(v.body()).isEqualTo(200);
    }

    /** Logs in and returns the token answer. */
    public static Http.Response login(Http http, String email, String password) {
        return http.post("/auth/login", Map.of("email", email, "password", password));
    }

    /** A registered, verified, logged-in account: [access token, refresh token, user email]. */
    public static String[] newSession(Http http, CapturingMailSender mail, String prefix) {
        String email = newEmail(prefix);
        registerVerified(http, mail, email);
        Http.Response r = login(http, email, PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new String[] {r.text("accessToken"), r.text("refreshToken"), email};
    }
}
