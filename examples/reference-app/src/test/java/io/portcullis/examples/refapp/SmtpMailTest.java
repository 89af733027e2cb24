package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With spring.mail.host set, verification mail goes out over SMTP and its token works. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = ReferenceApp.class,
        properties = {"spring.mail.host=127.0.0.1", "refapp.mail.from=refapp@example.test"})
@ActiveProfiles("test")
@DirtiesContext
class SmtpMailTest {
    private static final FakeSmtpServer SMTP = new FakeSmtpServer();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", SMTP::port);
    }

    @AfterAll
    static void stop() throws Exception {
        SMTP.close();
    }

    @LocalServerPort
    int port;

    @Test
    void register_sendsTheVerificationMailOverSmtp() {
        Http http = new Http(HttpClient.newHttpClient(), "http://127.0.0.1:" + port);
        String email = Accounts.newEmail("smtp");
        assertThat(http.post("/auth/register", Map.of("email", email, "password", Accounts.PASSWORD)).status()).isEqualTo(202);

        assertThat(SMTP.messages()).hasSize(1);
        String message = SMTP.messages().get(0);
        assertThat(message).contains("To: " + email).contains("From: refapp@example.test").contains("Subject: Verify your email address");
        Matcher token = Pattern.compile("(?m)^([A-Za-z0-9_-]{43})$").matcher(message);
        assertThat(token.find()).as(message).isTrue();
        assertThat(http.post("/auth/email/verify/confirm", Map.of("token", token.group(1))).status()).isEqualTo(200);
        assertThat(Accounts.login(http, email, Accounts.PASSWORD).status()).isEqualTo(200);
    }
}
