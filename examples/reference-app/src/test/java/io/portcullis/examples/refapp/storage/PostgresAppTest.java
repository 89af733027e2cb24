package io.portcullis.examples.refapp.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.refapp.Accounts;
import io.portcullis.examples.refapp.AppTestBeans;
import io.portcullis.examples.refapp.CapturingMailSender;
import io.portcullis.examples.refapp.Http;
import io.portcullis.examples.refapp.ReferenceApp;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole app on PostgreSQL (Spring's Flyway and pool, a fresh schema): the main flows once. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = {ReferenceApp.class, AppTestBeans.class})
@ActiveProfiles("test")
@DirtiesContext
class PostgresAppTest {
    private static Database.PostgresSchema pg;

    @BeforeAll
    static void schema() {
        pg = Database.PostgresSchema.create();
    }

    @AfterAll
    static void drop() {
        if (pg != null) {
            pg.drop();
        }
    }

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> pg.url());
        registry.add("spring.datasource.username", () -> pg.user());
        registry.add("spring.datasource.password", () -> pg.password());
        registry.add("spring.flyway.schemas", () -> pg.schema());
        registry.add("spring.flyway.create-schemas", () -> "true");
    }

    @LocalServerPort
    int port;
    @Autowired
    CapturingMailSender mail;

    @Test
    void registerLoginRefreshReuseAndRotate_onPostgres() {
        Http http = new Http(HttpClient.newHttpClient(), "http://127.0.0.1:" + port);
        String[] s = Accounts.newSession(http, mail, "pg");
        assertThat(http.get("/v1/users/me", s[0]).text("email")).isEqualTo(s[2]);
        Http.Response rotated = http.post("/auth/refresh", Map.of("refreshToken", s[1]));
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", s[1])).status()).isEqualTo(401);
        assertThat(http.post("/auth/refresh", Map.of("refreshToken", rotated.text("refreshToken"))).status()).isEqualTo(401);
        assertThat(http.post("/v1/chat", Map.of("message", "hello postgres"), Accounts.login(http, s[2], Accounts.PASSWORD).text("accessToken"))
                .status()).isEqualTo(200);
        String admin = Accounts.login(http, "admin@refapp.test", "admin-password-for-tests-only").text("accessToken");
        assertThat(http.post("/auth/keys/rotate", Map.of(), admin).status()).isEqualTo(200);
        assertThat(http.get("/health", null).text("status")).isEqualTo("UP");
    }
}
