package io.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Basic auth with Argon2id passwords through a real gateway. */
class BasicAuthPolicyTest {

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void goodCredentialsPass_badOnesGetTheSame401_credentialsNotForwarded() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/admin").to(up.url()).policy(PolicySpec.of("basic-auth", Map.of(
                             "realm", "admin",
                             "users", List.of(Map.of("username", "ops", "hash", ApiKeys.passwordHash("s3cret pass"),
                                     "roles", List.of("admin"))))))
                             .policy(PolicySpec.of("test-forward-user")).build())
                     .build()) {
            gw.start();
            int port = gw.address("h").getPort();
            for (int i = 0; i < 2; i++) { // the second one is served from the verification cache
                try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                    RawHttp.Result r = raw.send("GET /admin/echo HTTP/1.1\r\nHost: a\r\nAuthorization: "
                            + basic("ops", "s3cret pass") + "\r\n\r\n").readResponse();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).contains("x-user-id: ops\n").doesNotContainIgnoringCase("authorization");
                }
            }
            for (String bad : new String[] {basic("ops", "wrong"), basic("ghost", "s3cret pass"), "Basic !!!", "Bearer x", null}) {
                try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                    RawHttp.Result r = raw.send("GET /admin/echo HTTP/1.1\r\nHost: a\r\n"
                            + (bad == null ? "" : "Authorization: " + bad + "\r\n") + "\r\n").readResponse();
                    assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(401);
                    assertThat(r.header("www-authenticate")).isEqualTo("Basic realm=\"admin\", charset=\"UTF-8\"");
                }
            }
        }
    }
}
