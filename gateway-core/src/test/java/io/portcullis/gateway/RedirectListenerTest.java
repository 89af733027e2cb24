package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.RawHttp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plain-HTTP listener that sends everyone to HTTPS, except ACME challenges and health checks. */
class RedirectListenerTest {
    static Gateway gateway;
    static Gateway gateway443;
    static int port;
    static int port443;

    @BeforeAll
    static void start() {
        Map<String, String> challenges = Map.of("tok_EN-123", "tok_EN-123.thumbprint");
        gateway = Gateway.builder()
                .listener(ListenerConfig.redirect(0, 8443).named("redirect").bind("127.0.0.1"))
                .acmeChallenges(token -> java.util.concurrent.CompletableFuture.completedFuture(challenges.get(token)))
                .build();
        gateway.start();
        port = gateway.address("redirect").getPort();
        gateway443 = Gateway.builder().listener(ListenerConfig.redirect(0, 443).named("redirect").bind("127.0.0.1")).build();
        gateway443.start();
        port443 = gateway443.address("redirect").getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gateway443.close();
    }

    private static RawHttp.Result get(int p, String target, String host) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", p)) {
            return raw.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").readResponse();
        }
    }

    @Test
    void redirectsToHttpsWithPortPathAndQuery() throws Exception {
        RawHttp.Result r = get(port, "/a/./b//c?x=1&y=%20", "Example.COM:8080");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("location")).isEqualTo("https://example.com:8443/a/b/c?x=1&y=%20");
    }

    @Test
    void port443_isLeftOutOfLocation() throws Exception {
        assertThat(get(port443, "/p", "example.com").header("location")).isEqualTo("https://example.com/p");
    }

    @Test
    void acmeChallenge_isAnsweredNotRedirected() throws Exception {
        RawHttp.Result r = get(port, "/.well-known/acme-challenge/tok_EN-123", "example.com");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("tok_EN-123.thumbprint");
    }

    @Test
    void unknownAcmeToken_is404Problem() throws Exception {
        RawHttp.Result r = get(port, "/.well-known/acme-challenge/unknown", "example.com");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    }

    @Test
    void healthPath_isAnswered() throws Exception {
        RawHttp.Result r = get(port, "/healthz", "example.com");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void keepAlive_servesSeveralRequests() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            for (int i = 0; i < 3; i++) {
                assertThat(raw.send("GET /x" + i + " HTTP/1.1\r\nHost: a.test\r\n\r\n").readResponse().header("location"))
                        .isEqualTo("https://a.test:8443/x" + i);
            }
        }
    }

    @Test
    void badHost_is400() throws Exception {
        assertThat(get(port, "/", "bad\u0001host").status()).isEqualTo(400);
    }
}
