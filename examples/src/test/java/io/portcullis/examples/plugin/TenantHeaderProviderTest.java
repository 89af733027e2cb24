package io.portcullis.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example plugin, found by ServiceLoader from this module's jar, in a real gateway. */
class TenantHeaderProviderTest {

    @Test
    void pluginIsLoadedByTypeName_andForwardsTheTenant() throws Exception {
        try (TestUpstream upstream = TestUpstream.start();
             Gateway gateway = Gateway.builder()
                     .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to(upstream.url()).policy(PolicySpec.of("example-tenant",
                             Map.of("tenants", List.of("acme.example.com=acme")))).build())
                     .build()) {
            gateway.start();
            int port = gateway.address("http").getPort();
            try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                RawHttp.Result r = raw.send("GET /echo HTTP/1.1\r\nHost: ACME.example.com\r\nX-Tenant: globex\r\n\r\n")
                        .readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).contains("x-tenant: acme\n").doesNotContain("globex");
            }
            try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                assertThat(raw.send("GET /echo HTTP/1.1\r\nHost: other.example.com\r\n\r\n").readResponse().status())
                        .isEqualTo(403);
            }
        }
    }
}
