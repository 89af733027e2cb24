package io.portcullis.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.PoolLimits;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code pool.idleTimeout}: counted from a pooled connection's last response, never during an exchange. */
class PoolIdleTimeoutTest {

    @Test
    void aPooledConnection_closesAfterIdling_butNotWhileAResponseIsSlowerThanTheTimeout() throws Exception {
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().ioThreads(1)
                     .listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .cluster(ClusterConfig.builder("c").endpoint(up.url())
                             .pool(PoolLimits.defaults().withIdleTimeout(Duration.ofMillis(400))).build())
                     .route(RouteConfig.prefix("/").toCluster("c").build()).build()) {
            gw.start();
            try (RawHttp raw = new RawHttp("127.0.0.1", gw.address("h").getPort())) {
                assertThat(get(raw, "/echo/1")).isEqualTo(200);
                assertThat(get(raw, "/echo/2")).isEqualTo(200);
                assertThat(up.connectionCount()).as("the second request reused the pooled connection").isEqualTo(1);

                assertThat(get(raw, "/slow?ms=1000")).as("a response slower than the idle timeout").isEqualTo(200);
                assertThat(get(raw, "/echo/3")).isEqualTo(200);
                assertThat(up.connectionCount()).as("not closed while its exchange waited").isEqualTo(1);

                Thread.sleep(1200);
                assertThat(get(raw, "/echo/4")).isEqualTo(200);
                assertThat(up.connectionCount()).as("closed after idling 400 ms: a new one was opened").isEqualTo(2);
            }
        }
    }

    private static int get(RawHttp raw, String path) throws Exception {
        return raw.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status();
    }
}
