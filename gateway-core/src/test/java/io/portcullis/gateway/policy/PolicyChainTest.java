package io.portcullis.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The policy chain through real sockets: built-ins, plugins found by ServiceLoader, async policies. */
class PolicyChainTest {
    static TestUpstream upstream;
    static Gateway gateway;
    static int http;
    static int https;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("::"))
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("https").bind("127.0.0.1"))
                .policy(PolicySpec.of("security-headers"))
                .route(RouteConfig.prefix("/open").to(upstream.url()).stripPrefix().build())
                .route(RouteConfig.prefix("/no-loopback-v4").to(upstream.url())
                        .policy(PolicySpec.of("ip-rules", Map.of("deny", List.of("127.0.0.0/8")))).build())
                .route(RouteConfig.prefix("/v6-only").to(upstream.url())
                        .policy(PolicySpec.of("ip-rules", Map.of("allow", "::1/128")))
                        .build())
                .route(RouteConfig.prefix("/slow-ok").to(upstream.url())
                        .stripPrefix().policy(PolicySpec.of("test-delay", Map.of("millis", 300))).build())
                .route(RouteConfig.prefix("/slow-deny").to(upstream.url())
                        .policy(PolicySpec.of("test-delay", Map.of("millis", 100, "deny", true))).build())
                .route(RouteConfig.prefix("/login").to(upstream.url())
                        .policy(PolicySpec.of("test-login")).policy(PolicySpec.of("test-forward-user")).build())
                .route(RouteConfig.prefix("/forward-only").to(upstream.url())
                        .policy(PolicySpec.of("test-forward-user")).build())
                .route(RouteConfig.prefix("/boom").to(upstream.url()).policy(PolicySpec.of("test-boom")).build())
                .ioThreads(1)
                .build();
        gateway.start();
        http = gateway.address("http").getPort();
        https = gateway.address("https").getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static RawHttp.Result get(String host, String target, String extraHeaders) throws Exception {
        try (RawHttp raw = new RawHttp(host, http)) {
            return raw.send("GET " + target + " HTTP/1.1\r\nHost: a.test\r\n" + extraHeaders + "\r\n").readResponse();
        }
    }

    @Test
    void securityHeaders_onProxiedResponses_serverHeadersRemoved() throws Exception {
        RawHttp.Result r = get("127.0.0.1", "/open/echo", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-frame-options")).isEqualTo("DENY");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("content-security-policy")).contains("default-src 'self'");
        assertThat(r.header("referrer-policy")).isEqualTo("strict-origin-when-cross-origin");
        assertThat(r.header("cross-origin-opener-policy")).isEqualTo("same-origin");
        assertThat(r.header("strict-transport-security")).as("no HSTS over cleartext").isNull();
        assertThat(r.header("server")).isNull();
        assertThat(r.header("x-powered-by")).isNull();
    }

    @Test
    void securityHeaders_upstreamValueIsKept() throws Exception {
        RawHttp.Result r = get("127.0.0.1", "/open/set-headers?x-frame-options=SAMEORIGIN", "");
        assertThat(r.header("x-frame-options")).isEqualTo("SAMEORIGIN");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void securityHeaders_hstsOnTls() throws Exception {
        HttpClient client = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + https + "/open/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
    }

    @Test
    void securityHeaders_onGatewayMadeResponses() throws Exception {
        RawHttp.Result notFound = get("127.0.0.1", "/nowhere", "");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.header("x-frame-options")).isEqualTo("DENY");
        RawHttp.Result malformed = get("127.0.0.1", "/a%zz", "");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("x-frame-options")).isEqualTo("DENY");
        RawHttp.Result denied = get("127.0.0.1", "/no-loopback-v4", "");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("content-type")).isEqualTo("application/problem+json");
        assertThat(denied.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void ipRules_ipv4AndIpv6() throws Exception {
        assertThat(get("127.0.0.1", "/no-loopback-v4", "").status()).isEqualTo(403);
        assertThat(get("::1", "/no-loopback-v4", "").status()).isEqualTo(200);
        assertThat(get("127.0.0.1", "/v6-only", "").status()).isEqualTo(403);
        assertThat(get("::1", "/v6-only", "").status()).isEqualTo(200);
    }

    @Test
    void suspendedPolicy_resumesOnTheLoop_withoutBlockingIt() throws Exception {
        CompletableFuture<RawHttp.Result> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return get("127.0.0.1", "/slow-ok/echo", "");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        // the single event loop serves other requests while the policy waits
        RawHttp.Result fast = get("127.0.0.1", "/open/echo", "");
        assertThat(fast.status()).isEqualTo(200);
        assertThat(slow).as("the suspended request is still waiting while another one was served").isNotDone();
        RawHttp.Result r = slow.get();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("x-delayed: yes");
        assertThat(get("127.0.0.1", "/slow-ok/echo", "").status()).isEqualTo(200);
    }

    @Test
    void suspendedPolicy_canRespond() throws Exception {
        RawHttp.Result r = get("127.0.0.1", "/slow-deny", "");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("www-authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
        assertThat(r.body()).contains("a valid token is required");
    }

    @Test
    void principal_flowsToLaterPolicies_andForgedHeaderIsStripped() throws Exception {
        RawHttp.Result r = get("127.0.0.1", "/login/echo", "X-Test-User: alice\r\nX-User-Id: mallory\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("x-user-id: alice\n").doesNotContain("mallory");
        assertThat(r.header("x-auth-method")).isEqualTo("test");
        assertThat(get("127.0.0.1", "/login/echo", "").status()).isEqualTo(401);
        assertThat(get("127.0.0.1", "/forward-only/echo", "X-User-Id: mallory\r\n").body()).doesNotContain("mallory");
    }

    @Test
    void failingPolicy_is500ProblemNotAHang() throws Exception {
        RawHttp.Result r = get("127.0.0.1", "/boom", "");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("could not evaluate").doesNotContain("boom");
    }

    @Test
    void unknownTypeOrSetting_failsAtBuildWithFieldPath() {
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to(upstream.url()).policy(PolicySpec.of("nope")).build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routes[0].policies[0].type: unknown policy type 'nope' (known: ")
                .hasMessageContaining("security-headers");
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .policy(PolicySpec.of("security-headers", Map.of("frameOption", "DENY"))).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policies[0].settings.frameOption: unknown setting for policy type 'security-headers'");
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/").to(upstream.url())
                        .policy(PolicySpec.of("ip-rules", Map.of("deny", List.of("10.0.0.0/33")))).build()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routes[0].policies[0].settings.deny: ");
    }
}
