package io.portcullis.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Policy meters through real requests: final decisions per route and policy type, responses by
 * status, time suspended. The meters move on the event loop before the response is written, so
 * they are current once the client has its response.
 */
class PolicyMetricsTest {
    static TestUpstream upstream;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .policy(PolicySpec.of("security-headers"))
                .route(RouteConfig.prefix("/login").id("login").to(upstream.url()).policy(PolicySpec.of("test-login")).build())
                .route(RouteConfig.prefix("/slow-ok").id("slow-ok").to(upstream.url())
                        .policy(PolicySpec.of("test-delay", Map.of("millis", 50))).build())
                .route(RouteConfig.prefix("/slow-deny").id("slow-deny").to(upstream.url())
                        .policy(PolicySpec.of("test-delay", Map.of("millis", 50, "deny", true))).build())
                .route(RouteConfig.prefix("/boom").id("boom").to(upstream.url()).policy(PolicySpec.of("test-boom")).build())
                .ioThreads(2)
                .meterRegistry(meters)
                .build();
        gateway.start();
        port = gateway.address("http").getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static int get(String target, String headers) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            return raw.send("GET " + target + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n").readResponse().status();
        }
    }

    private static double decisions(String route, String policy, String outcome) {
        var c = meters.find("portcullis.policy.decisions").tags("route", route, "policy", policy, "outcome", outcome).counter();
        assertThat(c).as("decisions %s %s %s registered", route, policy, outcome).isNotNull();
        return c.count();
    }

    private static double responses(String route, String policy, int status) {
        var c = meters.find("portcullis.policy.responses")
                .tags("route", route, "policy", policy, "status", Integer.toString(status)).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void metersAreRegisteredWhenTheChainIsCompiled() {
        // before (or without) any request: every route's policies have their decision counters
        assertThat(meters.find("portcullis.policy.decisions").tags("route", "boom", "policy", "security-headers").counters())
                .hasSize(3);
        assertThat(meters.find("portcullis.policy.decisions").tags("policy", "test-login", "outcome", "proceed").counters())
                .hasSize(1);
    }

    @Test
    void decisionsAndResponsesByStatus_perRouteAndPolicy() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(get("/login/echo", "")).isEqualTo(401);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(get("/login/echo", "x-test-user: ann\r\n")).isEqualTo(200);
        }
        assertThat(decisions("login", "test-login", "respond")).isEqualTo(2);
        assertThat(decisions("login", "test-login", "proceed")).isEqualTo(3);
        assertThat(decisions("login", "test-login", "error")).isZero();
        assertThat(responses("login", "test-login", 401)).isEqualTo(2);
        assertThat(decisions("login", "security-headers", "proceed")).as("gateway-wide policy, counted per route").isEqualTo(5);
        assertThat(meters.find("portcullis.policy.suspended").tags("route", "login").timer())
                .as("a policy that never suspends gets no timer").isNull();
    }

    @Test
    void suspendedPolicies_areTimed_andTheirFinalDecisionCounted() throws Exception {
        assertThat(get("/slow-ok/echo", "")).isEqualTo(200);
        assertThat(get("/slow-deny/echo", "")).isEqualTo(401);

        var ok = meters.find("portcullis.policy.suspended").tags("route", "slow-ok", "policy", "test-delay").timer();
        assertThat(ok).isNotNull();
        assertThat(ok.count()).isEqualTo(1);
        // a duration was recorded; no bound on it (clocks on shared CI machines are not to be trusted)
        assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(decisions("slow-ok", "test-delay", "proceed")).isEqualTo(1);

        var deny = meters.find("portcullis.policy.suspended").tags("route", "slow-deny", "policy", "test-delay").timer();
        assertThat(deny.count()).isEqualTo(1);
        assertThat(decisions("slow-deny", "test-delay", "respond")).isEqualTo(1);
        assertThat(responses("slow-deny", "test-delay", 401)).isEqualTo(1);
    }

    @Test
    void failingPolicy_countsAsError() throws Exception {
        assertThat(get("/boom/x", "")).isEqualTo(500);
        assertThat(decisions("boom", "test-boom", "error")).isEqualTo(1);
        assertThat(decisions("boom", "test-boom", "respond")).isZero();
        assertThat(responses("boom", "test-boom", 500)).as("a failure is not a policy's own answer").isZero();
    }
}
