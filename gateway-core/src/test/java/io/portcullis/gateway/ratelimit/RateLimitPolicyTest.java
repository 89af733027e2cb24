package io.portcullis.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rate-limit policy through real sockets: 429 with Retry-After, RateLimit headers, keys. */
class RateLimitPolicyTest {

    private static RawHttp.Result get(int port, String target, String headers) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            return raw.send("GET " + target + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n").readResponse();
        }
    }

    @Test
    void limitPerClient_with429AndHeaders() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/api").to(up.url()).policy(PolicySpec.of("rate-limit",
                             Map.of("requests", 3, "per", "1m", "name", "api", "legacyHeaders", true))).build())
                     .route(RouteConfig.prefix("/keyed").to(up.url()).policy(PolicySpec.of("rate-limit",
                             Map.of("requests", 1, "per", "1h", "key", "header:X-Api-Key"))).build())
                     .build()) {
            gw.start();
            int port = gw.address("h").getPort();
            for (int i = 0; i < 3; i++) {
                RawHttp.Result r = get(port, "/api/echo", "");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("ratelimit-policy")).isEqualTo("\"api\";q=3;w=60");
                assertThat(r.header("ratelimit")).isEqualTo("\"api\";r=" + (2 - i) + ";t=" + (20 * (i + 1)));
                assertThat(r.header("x-ratelimit-remaining")).isEqualTo(String.valueOf(2 - i));
            }
            RawHttp.Result denied = get(port, "/api/echo", "");
            assertThat(denied.status()).isEqualTo(429);
            assertThat(denied.header("content-type")).isEqualTo("application/problem+json");
            assertThat(denied.header("retry-after")).isEqualTo("20");
            assertThat(denied.header("ratelimit")).isEqualTo("\"api\";r=0;t=60");

            // keyed by header: separate buckets per key
            assertThat(get(port, "/keyed/echo", "X-Api-Key: one\r\n").status()).isEqualTo(200);
            assertThat(get(port, "/keyed/echo", "X-Api-Key: one\r\n").status()).isEqualTo(429);
            assertThat(get(port, "/keyed/echo", "X-Api-Key: two\r\n").status()).isEqualTo(200);
            assertThat(get(port, "/keyed/echo", "X-Api-Key: two\r\n").header("ratelimit-policy"))
                    .isEqualTo("\"1-per-1h\";q=1;w=3600");
        }
    }
}
