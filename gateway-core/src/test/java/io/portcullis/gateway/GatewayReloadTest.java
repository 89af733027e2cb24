package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Gateway#reload}: new requests take the new routes; connections and in-flight requests are untouched. */
class GatewayReloadTest {
    TestUpstream a;
    TestUpstream b;
    Gateway gateway;
    GatewayConfig first;

    static GatewayConfig config(TestUpstream to, PolicySpec... policies) {
        Gateway.Builder builder = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").id("root").to(UpstreamConfig.of(to.url()).withPreserveHost(false)).build());
        for (PolicySpec p : policies) {
            builder.policy(p);
        }
        return builder.buildConfig();
    }

    @BeforeEach
    void start() {
        a = TestUpstream.start();
        b = TestUpstream.start();
        first = config(a);
        gateway = Gateway.create(first, null);
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        a.close();
        b.close();
    }

    private static String get(RawHttp raw, String path) throws Exception {
        RawHttp.Result r = raw.send("GET " + path + " HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    @Test
    void reload_routesNewRequestsOnTheSameConnection_toTheNewUpstream() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", gateway.address("http").getPort())) {
            assertThat(get(raw, "/echo/1")).contains("127.0.0.1:" + a.port());
            gateway.reload(config(b));
            assertThat(get(raw, "/echo/2")).contains("127.0.0.1:" + b.port());
            gateway.reload(config(a));
            assertThat(get(raw, "/echo/3")).contains("127.0.0.1:" + a.port());
        }
        assertThat(gateway.config().routes().get(0).upstream().port()).isEqualTo(a.port());
    }

    @Test
    void requestInFlight_finishesWithTheConfigurationItStartedWith() throws Exception {
        int port = gateway.address("http").getPort();
        CompletableFuture<RawHttp.Result> slow = CompletableFuture.supplyAsync(() -> {
            try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                return raw.send("GET /slow?ms=600 HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.requests().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5); // until the slow request reached upstream a
        }
        gateway.reload(config(b));
        assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(b.requests()).isEmpty();
    }

    @Test
    void invalidOrThreadChanges_areRejected_andTheOldConfigurationStays() throws Exception {
        assertThatThrownBy(() -> gateway.reload(config(b, PolicySpec.of("rate-limit", Map.of("requests", 0, "per", "1m")))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("policies[0].settings.requests");
        GatewayConfig otherThreads = Gateway.builder().config(config(b)).ioThreads(5).buildConfig();
        assertThatThrownBy(() -> gateway.reload(otherThreads)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ioThreads: changed").hasMessageContaining("need a restart");
        try (RawHttp raw = new RawHttp("127.0.0.1", gateway.address("http").getPort())) {
            assertThat(get(raw, "/echo")).contains("127.0.0.1:" + a.port());
        }
        assertThat(gateway.config()).isEqualTo(first);
    }

    @Test
    void localRateLimitCounters_surviveAReloadThatKeepsTheLimit_andRestartWhenItChanges() throws Exception {
        PolicySpec three = PolicySpec.of("rate-limit", Map.of("requests", 3, "per", "1m"));
        gateway.reload(config(a, three));
        try (RawHttp raw = new RawHttp("127.0.0.1", gateway.address("http").getPort())) {
            for (int i = 0; i < 3; i++) {
                get(raw, "/echo");
            }
            gateway.reload(config(b, three)); // another upstream, the same limit
            assertThat(raw.send("GET /echo HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse().status())
                    .as("the fourth request in the window, after the reload").isEqualTo(429);
            assertThatThrownBy(() -> gateway.reload(config(b, three, PolicySpec.of("no-such-type", Map.of()))))
                    .isInstanceOf(ConfigException.class);
            assertThat(raw.send("GET /echo HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse().status())
                    .as("a failed reload keeps the counters too").isEqualTo(429);
            gateway.reload(config(b, PolicySpec.of("rate-limit", Map.of("requests", 4, "per", "1m"))));
            assertThat(get(raw, "/echo")).as("a changed limit starts afresh").contains("127.0.0.1:" + b.port());
        }
    }

    /** {@code test-resource}: a policy that asks the gateway to close a resource named {@code name}. */
    public static final class Resourceful implements PolicyProvider {
        static final Set<String> CLOSED = ConcurrentHashMap.newKeySet();

        @Override
        public String type() {
            return "test-resource";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            String name = spec.string("name", "?");
            context.closeOnShutdown(() -> CLOSED.add(name));
            return ctx -> Decision.proceed();
        }
    }

    @Test
    void policyResources_ofAReplacedConfiguration_closeAfterTheRequestTimeout_ofAFailedOne_atOnce() throws Exception {
        Timeouts quick = Timeouts.builder().request(Duration.ofSeconds(2)).build();
        Gateway g = Gateway.create(Gateway.builder().config(config(a, PolicySpec.of("test-resource", Map.of("name", "g0"))))
                .timeouts(quick).buildConfig(), null);
        g.start();
        try {
            g.reload(Gateway.builder().config(config(a, PolicySpec.of("test-resource", Map.of("name", "g1"))))
                    .timeouts(quick).buildConfig());
            assertThat(Resourceful.CLOSED).doesNotContain("g0", "g1"); // a g0 request may still be running
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Resourceful.CLOSED.contains("g0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Resourceful.CLOSED).contains("g0").doesNotContain("g1");

            GatewayConfig broken = Gateway.builder().config(config(a, PolicySpec.of("test-resource", Map.of("name", "g2")),
                    PolicySpec.of("rate-limit", Map.of("requests", 0, "per", "1m")))).timeouts(quick).buildConfig();
            assertThatThrownBy(() -> g.reload(broken)).isInstanceOf(ConfigException.class);
            assertThat(Resourceful.CLOSED).contains("g2").doesNotContain("g1");
        } finally {
            g.close();
        }
        assertThat(Resourceful.CLOSED).contains("g1");
        assertThat(List.copyOf(Resourceful.CLOSED)).hasSize(3);
    }

    @Test
    void reload_needsARunningGateway() {
        Gateway notStarted = Gateway.create(config(a), null);
        assertThatThrownBy(() -> notStarted.reload(config(b))).isInstanceOf(IllegalStateException.class);
        notStarted.close();
        gateway.close();
        assertThatThrownBy(() -> gateway.reload(config(b))).isInstanceOf(IllegalStateException.class);
    }
}
