package io.portcullis.gateway.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    /** An address from its literal, built without any resolver. */
    static InetAddress ip(String literal) {
        InetAddress a = Cidr.parseLiteral(literal);
        assertThat(a).as(literal).isNotNull();
        return a;
    }

    /** An Inet6Address even for ::ffff:a.b.c.d, which InetAddress.getByAddress turns into IPv4. */
    static InetAddress mappedInet6(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) a, (byte) b, (byte) c, (byte) d};
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8,          10.0.0.0,        true",
            "10.0.0.0/8,          10.255.255.255,  true",
            "10.0.0.0/8,          11.0.0.0,        false",
            "10.0.0.0/8,          9.255.255.255,   false",
            "192.168.1.7,         192.168.1.7,     true",
            "192.168.1.7,         192.168.1.8,     false",
            "192.168.1.0/24,      192.168.1.200,   true",
            "172.16.0.0/12,       172.31.255.1,    true",
            "172.16.0.0/12,       172.32.0.1,      false",
            "0.0.0.0/0,           1.2.3.4,         true",
            "0.0.0.0/0,           2001:db8::1,     false",
            "::1/128,             ::1,             true",
            "::1,                 ::2,             false",
            "fd00::/8,            fd12:3456::1,    true",
            "fd00::/8,            fe80::1,         false",
            "2001:db8::/32,       2001:db8:ffff::, true",
            "2001:db8::/32,       2001:db9::,      false",
            "2001:db8:0:0:8000::/65, 2001:db8::8000:0:0:1, true",
            "2001:db8:0:0:8000::/65, 2001:db8::7fff:0:0:1, false",
            "::/0,                2001:db8::1,     true",
            "::/0,                1.2.3.4,         true",
            "::ffff:10.0.0.0/104, 10.1.2.3,        true",
            "::ffff:10.0.0.0/104, 11.1.2.3,        false",
            "10.0.0.0/8,          ::ffff:10.9.9.9, true",
            "10.0.0.0/8,          ::10.9.9.9,      false",
            "1.2.3.4/32,          ::ffff:1.2.3.4,  true",
    })
    void contains_matchesRange(String cidr, String address, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(ip(address))).isEqualTo(expected);
    }

    @Test
    void contains_inet6MappedAddressMatchesIpv4Range() throws UnknownHostException {
        InetAddress mapped = mappedInet6(10, 1, 2, 3);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(Cidr.parse("10.0.0.0/8").contains(mapped)).isTrue();
        assertThat(Cidr.parse("11.0.0.0/8").contains(mapped)).isFalse();
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").contains(mapped)).isTrue();
    }

    @Test
    void contains_nullIsInNoRange() {
        assertThat(Cidr.parse("0.0.0.0/0").contains(null)).isFalse();
        assertThat(Cidr.parse("::/0").contains(null)).isFalse();
    }

    @Test
    void parse_ipv4AndMappedFormsAreEqual() {
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse("::ffff:10.0.0.0/104"))
                .hasSameHashCodeAs(Cidr.parse("::ffff:10.0.0.0/104"));
        assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
    }

    @Test
    void parse_trimsAndKeepsText() {
        assertThat(Cidr.parse("  10.0.0.0/8 ").toString()).isEqualTo("10.0.0.0/8");
    }

    @Test
    void parse_prefixOutOfRange_namesLimitAndFamily() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'10.0.0.0/33': prefix length 33 out of range 0-32 for IPv4");
        assertThatThrownBy(() -> Cidr.parse("::/129"))
                .hasMessage("'::/129': prefix length 129 out of range 0-128 for IPv6");
    }

    @Test
    void parse_hostBitsSet_suggestsNetwork() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8"))
                .hasMessage("'10.0.0.1/8': address has bits set beyond the /8 prefix"
                        + " (expected the network address, e.g. 10.0.0.0/8)");
        assertThatThrownBy(() -> Cidr.parse("fd00::1/8")).hasMessageContaining("e.g. fd00::/8");
        assertThatThrownBy(() -> Cidr.parse("2001:db8:0:1::/48")).hasMessageContaining("e.g. 2001:db8::/48");
    }

    @Test
    void parse_hostName_isRejectedWithoutLookup() {
        assertThatThrownBy(() -> Cidr.parse("localhost"))
                .hasMessage("'localhost': 'localhost' is not an IPv4 or IPv6 address literal (host names are not allowed)");
        assertThatThrownBy(() -> Cidr.parse("example.invalid/24"))
                .hasMessageContaining("is not an IPv4 or IPv6 address literal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "/8", "10.0.0.0/", "10.0.0.0/a", "10.0.0.0/-1", "10.0.0.0/8/8",
            "10.0.0.0/+8", "10.0.0.0/0008", "10.0.0/8", "10.0.0.0.0", "256.0.0.0", "010.0.0.0/8", "1.2.3.4 /32",
            ":::/0", "1::2::3", "fe80::1%eth0", "fe80::1%eth0/64", "12345::/16", "1:2:3:4:5:6:7:8:9",
            "::ffff:1.2.3/120", "[::1]", "g::/16"})
    void parse_badInput_throwsIllegalArgument(String bad) {
        assertThatThrownBy(() -> Cidr.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'");
    }

    @Test
    void parse_null_throwsIllegalArgument() {
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }

    @ParameterizedTest
    @CsvSource({
            "1.2.3.4,                       1.2.3.4",
            "0.0.0.0,                       0.0.0.0",
            "255.255.255.255,               255.255.255.255",
            "::1,                           0:0:0:0:0:0:0:1",
            "::,                            0:0:0:0:0:0:0:0",
            "2001:DB8::1,                   2001:db8:0:0:0:0:0:1",
            "1::,                           1:0:0:0:0:0:0:0",
            "1:2:3:4:5:6:7::,               1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8,               0:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8,               1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4,           1:2:3:4:5:6:102:304",
            "::1.2.3.4,                     0:0:0:0:0:0:102:304",
            "::ffff:1.2.3.4,                1.2.3.4",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void parseLiteral_literal_returnsAddress(String literal, String hostAddress) {
        assertThat(Cidr.parseLiteral(literal).getHostAddress()).isEqualTo(hostAddress);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4",
            "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "1..2.3", "0x7f.0.0.1", "2130706433", ":", ":1", "1:", "1::2::3",
            ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7", "12345::",
            "::1.2.3", "::1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "::1%lo", "[::1]", "1.2.3.4:80"})
    void parseLiteral_nonLiteral_returnsNull(String s) {
        assertThat(Cidr.parseLiteral(s)).isNull();
    }

    @Test
    void parseLiteral_null_returnsNull() {
        assertThat(Cidr.parseLiteral(null)).isNull();
    }

    @Test
    void parseLiteral_returnsExpectedFamily() {
        assertThat(Cidr.parseLiteral("10.0.0.1")).isInstanceOf(Inet4Address.class);
        assertThat(Cidr.parseLiteral("::1")).isInstanceOf(Inet6Address.class);
    }

    @ParameterizedTest(name = "[{index}] <{0}> -> {1}")
    @CsvSource(delimiter = '|', value = {
            "1.2.3.4|1.2.3.4",
            "  1.2.3.4\t|1.2.3.4",
            "1.2.3.4:5678|1.2.3.4",
            "[::1]:443|0:0:0:0:0:0:0:1",
            "[::1]|0:0:0:0:0:0:0:1",
            "\"[2001:db8::1]\"|2001:db8:0:0:0:0:0:1",
            "\"[2001:db8::1]:4711\"|2001:db8:0:0:0:0:0:1",
            "\"192.0.2.43:47011\"|192.0.2.43",
            "[2001:db8::1]:_port|2001:db8:0:0:0:0:0:1",
            "1.2.3.4:_x-y.z|1.2.3.4",
            "2001:db8::1|2001:db8:0:0:0:0:0:1",
            "::ffff:10.0.0.1|10.0.0.1",
    })
    void parseForwardedAddress_addressForms_returnAddress(String token, String hostAddress) {
        assertThat(Cidr.parseForwardedAddress(token)).isNotNull()
                .extracting(InetAddress::getHostAddress).isEqualTo(hostAddress);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"", "  ", "\"\"", "unknown", "_hidden", "\"_hidden\"", "example.com", "example.com:80",
            "[::1", "::1]", "[::1]:", "[::1]:0", "[::1]:65536", "[::1]:123456", "[::1]x", "[::1]:80:80",
            "[1.2.3.4]", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:http", "1.2.3.4:_a b", "\"1.2.3.4", "1.2.3.4\"",
            "[::1]:_bad!", "fe80::1%eth0", "[fe80::1%25eth0]"})
    void parseForwardedAddress_notAnAddress_returnsNull(String token) {
        assertThat(Cidr.parseForwardedAddress(token)).isNull();
    }

    @Test
    void parseForwardedAddress_null_returnsNull() {
        assertThat(Cidr.parseForwardedAddress(null)).isNull();
    }

    @Test
    void anyContains_checksEveryRange() {
        Cidr[] set = {Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")};
        assertThat(Cidr.anyContains(set, ip("10.2.3.4"))).isTrue();
        assertThat(Cidr.anyContains(set, ip("fd00::5"))).isTrue();
        assertThat(Cidr.anyContains(set, ip("192.168.0.1"))).isFalse();
        assertThat(Cidr.anyContains(set, null)).isFalse();
        assertThat(Cidr.anyContains(new Cidr[0], ip("10.2.3.4"))).isFalse();
    }

    @Test
    void cidrSet_containsAndIsEmpty() {
        CidrSet set = CidrSet.of(List.of("10.0.0.0/8", "::1", "192.168.1.7"));
        assertThat(set.isEmpty()).isFalse();
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.contains(ip("10.9.8.7"))).isTrue();
        assertThat(set.contains(ip("::1"))).isTrue();
        assertThat(set.contains(ip("::ffff:192.168.1.7"))).isTrue();
        assertThat(set.contains(ip("192.168.1.8"))).isFalse();
        assertThat(set.contains(null)).isFalse();
        assertThat(CidrSet.of(List.of()).isEmpty()).isTrue();
        assertThat(CidrSet.of(null).contains(ip("10.0.0.1"))).isFalse();
    }

    @Test
    void cidrSet_badEntry_namesIndex() {
        assertThatThrownBy(() -> CidrSet.of(List.of("10.0.0.0/8", "10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("[1] '10.0.0.0/33': prefix length 33 out of range 0-32 for IPv4");
    }
}
