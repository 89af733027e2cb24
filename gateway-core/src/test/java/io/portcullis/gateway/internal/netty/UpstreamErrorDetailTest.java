package io.portcullis.gateway.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EndpointConfig;
import org.junit.jupiter.api.Test;

/** What a 502 says about an unreachable upstream: a local one by address, a remote one not at all. */
class UpstreamErrorDetailTest {
    @Test
    void localUpstream_isNamed_remoteOne_isNot() {
        assertThat(Exchange.unreachable(EndpointConfig.of("http://localhost:9080")))
                .isEqualTo("the upstream localhost:9080 on this host refused the connection (is it running?)");
        assertThat(Exchange.unreachable(EndpointConfig.of("http://[::1]:9080"))).startsWith("the upstream [::1]:9080 on this host");
        assertThat(Exchange.unreachable(EndpointConfig.of("http://10.1.2.3:8080")))
                .isEqualTo("the upstream refused the connection or could not be reached");
        assertThat(Exchange.unreachable(EndpointConfig.of("https://api.internal.example")))
                .isEqualTo("the upstream refused the connection or could not be reached");
    }
}
