package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayConfigTrustedProxiesTest {

    private static GatewayConfig withProxies(List<String> proxies) {
        return new GatewayConfig(List.of(ListenerConfig.http(8080)), List.of(), null, null, proxies, 0, null, false, null, null, null);
    }

    @Test
    void new_validCidrs_accepted() {
        assertThat(withProxies(List.of("10.0.0.0/8", "::1", "fd00::/8")).trustedProxies()).hasSize(3);
    }

    @Test
    void new_badCidr_namesEntryAndProblem() {
        assertThatThrownBy(() -> withProxies(List.of("10.0.0.0/8", "10.0.0.0/33")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("trustedProxies[1]: '10.0.0.0/33': prefix length 33 out of range 0-32 for IPv4");
    }

    @Test
    void new_hostName_rejectedWithoutLookup() {
        assertThatThrownBy(() -> withProxies(List.of("proxy.internal")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("trustedProxies[0]")
                .hasMessageContaining("not an IPv4 or IPv6 address literal");
    }
}
