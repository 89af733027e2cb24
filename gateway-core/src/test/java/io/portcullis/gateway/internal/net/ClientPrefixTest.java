package io.portcullis.gateway.internal.net;

import static io.portcullis.gateway.internal.net.CidrTest.ip;
import static io.portcullis.gateway.internal.net.CidrTest.mappedInet6;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientPrefixTest {

    @Test
    void ipv6_groupedByPrefix() {
        ClientPrefix a = ClientPrefix.of(ip("2001:db8:1:2::1"), 64);
        assertThat(ClientPrefix.of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), 64)).isEqualTo(a);
        assertThat(ClientPrefix.of(ip("2001:db8:1:3::1"), 64)).isNotEqualTo(a);
        assertThat(ClientPrefix.of(ip("2001:db8:1:3::1"), 56)).isEqualTo(ClientPrefix.of(ip("2001:db8:1:2::1"), 56));
        assertThat(ClientPrefix.of(ip("2001:db8:1:2::2"), 128)).isNotEqualTo(ClientPrefix.of(ip("2001:db8:1:2::1"), 128));
        assertThat(ClientPrefix.of(ip("2001:db8:1:2::1"), 127)).isEqualTo(ClientPrefix.of(ip("2001:db8:1:2::0"), 127));
        assertThat(ClientPrefix.of(ip("2001:db8:1:2:1::1"), 80))
                .isNotEqualTo(ClientPrefix.of(ip("2001:db8:1:2:2::1"), 80));
        assertThat(ClientPrefix.of(ip("2001:db8:1:2:1::1"), 80)).isEqualTo(ClientPrefix.of(ip("2001:db8:1:2:1:ff::"), 80));
    }

    @Test
    void ipv4_isAlwaysWholeAddress_alsoWhenMapped() throws Exception {
        assertThat(ClientPrefix.of(ip("10.1.2.3"), 64)).isNotEqualTo(ClientPrefix.of(ip("10.1.2.4"), 64));
        assertThat(ClientPrefix.of(mappedInet6(10, 1, 2, 3), 1)).isEqualTo(ClientPrefix.of(ip("10.1.2.3"), 64));
    }
}
