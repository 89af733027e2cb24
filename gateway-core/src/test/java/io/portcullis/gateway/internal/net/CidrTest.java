package io.portcullis.gateway.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parse_ipv4Block_containsOnlyItsAddresses() throws Exception {
        Cidr cidr = Cidr.parse("10.1.2.3/8");

        assertThat(cidr).hasToString("10.0.0.0/8");
        assertThat(cidr.contains(InetAddress.getByName("10.255.0.1"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(cidr.contains(InetAddress.getByName("::ffff:0a00:0001"))).isTrue(); // Java maps it to IPv4
    }

    @Test
    void parse_bareAddresses_areSingleHosts() throws Exception {
        assertThat(Cidr.parse("192.168.1.1").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
        assertThat(Cidr.parse("::1").contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(Cidr.parse("::1").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void parse_ipv6Block_masksOddPrefix() throws Exception {
        Cidr cidr = Cidr.parse("fd00:abcd::/17");

        assertThat(cidr.contains(InetAddress.getByName("fd00:8000::1"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("fd00:c000::1"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("fd01::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void parse_malformed_isRejectedWithoutDns() {
        for (String bad : new String[] {"", "example.com", "10.0.0.256", "10.0.0/8", "10.0.0.0/33", "::1/129",
                "10.0.0.0/", "10.0.0.0/-1", "fe80::1%eth0", "1:2:3"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
