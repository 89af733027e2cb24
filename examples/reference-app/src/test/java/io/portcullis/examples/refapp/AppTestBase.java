package io.portcullis.examples.refapp;

import java.net.http.HttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** The real app on a random port (one Spring context shared by the app test classes), called over real HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = {ReferenceApp.class, AppTestBeans.class})
@ActiveProfiles("test")
public abstract class AppTestBase {
    protected static final String ADMIN_EMAIL = "admin@refapp.test";
    protected static final String ADMIN_PASSWORD = "admin-password-for-tests-only";

    @LocalServerPort
    protected int port;
    @Autowired
    protected CapturingMailSender mail;
    @Autowired
    protected MutableClock clock;
    protected Http http;

    @BeforeEach
    void client() {
        http = new Http(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), "http://127.0.0.1:" + port);
    }

    protected String adminToken() {
        Http.Response r = Accounts.login(http, ADMIN_EMAIL, ADMIN_PASSWORD);
        if (r.status() != 200) {
            throw new AssertionError("admin login: " + r.status() + " " + r.body());
        }
        return r.text("accessToken");
    }
}
