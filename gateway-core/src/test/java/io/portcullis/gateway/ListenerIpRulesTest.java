package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listener IP rules through real sockets: a refused peer is closed at accept, before a byte is read
 * (on HTTPS before the handshake); IPv4 and IPv6 (::1). Also the validation of the new listener fields.
 */
class ListenerIpRulesTest {
    static TestUpstream upstream;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("deny2").bind("127.0.0.1").withIpRules(IpRules.deny("127.0.0.2/32")))
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))
                        .named("v6only").bind("::").withIpRules(IpRules.allow("::1/128")))
                .listener(ListenerConfig.http(0).named("v6denied").bind("::1").withIpRules(IpRules.deny("::/0")))
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .ioThreads(2)
                .meterRegistry(meters)
                .build();
        gateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static Socket from(String local, String host, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(host, port), 5000);
        return s;
    }

    /** What a plain HTTP request from {@code local} gets: a refused connection is closed (often by RST, which may fail the connect). */
    private static RawHttp.Result get(String local, String host, int port) throws IOException {
        Socket s;
        try {
            s = from(local, host, port);
        } catch (IOException reset) {
            return new RawHttp.Result("", true);
        }
        try (RawHttp raw = new RawHttp(s)) {
            try {
                raw.send("GET /echo HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            } catch (IOException reset) {
                return new RawHttp.Result("", true);
            }
            return raw.readUntilCloseOrQuiet(3000);
        }
    }

    private static double rejected(String listener) {
        var c = meters.find("portcullis.connections.rejected").tags("listener", listener, "reason", "ip-rules").counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void deniedIpv4Peer_isClosedWithoutAResponse_othersServed() throws Exception {
        int port = gateway.address("deny2").getPort();
        double before = rejected("deny2");
        RawHttp.Result refused = get("127.0.0.2", "127.0.0.1", port);
        assertThat(refused.closed()).isTrue();
        assertThat(refused.text()).isEmpty();
        assertThat(rejected("deny2")).isEqualTo(before + 1);

        RawHttp.Result served = get("127.0.0.1", "127.0.0.1", port);
        assertThat(served.status()).isEqualTo(200);
    }

    @Test
    void https_allowOnlyIpv6Loopback_ipv4PeerClosedBeforeTheHandshake() throws Exception {
        int port = gateway.address("v6only").getPort();
        double before = rejected("v6only");
        var handshakesFailed = meters.find("portcullis.tls.handshakes").tags("listener", "v6only", "result", "failure").counter();
        double failedBefore = handshakesFailed == null ? 0 : handshakesFailed.count();

        var factory = TestTls.shared().clientContext().getSocketFactory();
        assertThatThrownBy(() -> {
            try (SSLSocket v4 = (SSLSocket) factory.createSocket(from("127.0.0.1", "127.0.0.1", port), "localhost", port, true)) {
                v4.setSoTimeout(5000);
                v4.startHandshake();
            }
        }).isInstanceOf(IOException.class);
        assertThat(rejected("v6only")).isEqualTo(before + 1);
        var failedAfter = meters.find("portcullis.tls.handshakes").tags("listener", "v6only", "result", "failure").counter();
        assertThat(failedAfter == null ? 0 : failedAfter.count()).as("no handshake was begun").isEqualTo(failedBefore);

        try (SSLSocket v6 = (SSLSocket) factory.createSocket(from("::1", "::1", port), "localhost", port, true)) {
            v6.setSoTimeout(5000);
            v6.startHandshake();
            RawHttp.Result r = new RawHttp(v6).send("GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(200);
        }
    }

    @Test
    void deniedIpv6Peer_isClosed() throws Exception {
        int port = gateway.address("v6denied").getPort();
        RawHttp.Result refused = get("::1", "::1", port);
        assertThat(refused.closed()).isTrue();
        assertThat(refused.text()).isEmpty();
    }

    @Test
    void config_newFieldsValidatedWithTheirPath() {
        assertThatThrownBy(() -> IpRules.deny("10.0.0.0/8", "10.0.0.1/8"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("deny[1]: ");
        assertThatThrownBy(() -> new IpRules(List.of("example.com"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("allow[0]: ");
        assertThatThrownBy(() -> ConnectionLimits.perClient(-1))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("maxConnectionsPerClient: -1");
        assertThatThrownBy(() -> ConnectionLimits.of(10, 11))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("maxConnectionsPerClient: 11 is above maxConnections 10");
        assertThatThrownBy(() -> ConnectionLimits.perClient(5).withClientIpv6Prefix(129))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("clientIpv6Prefix: 129");
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .listener(ListenerConfig.http(0).named("b").withConnectionLimits(ConnectionLimits.perClient(20)))
                .limits(Limits.builder().maxConnections(10).build()).buildConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listeners[1].connectionLimits.maxConnectionsPerClient: 20 is above the listener's limit of 10");

        ListenerConfig plain = new ListenerConfig("x", null, 80, ListenerConfig.Mode.HTTP, null, 0);
        assertThat(plain.connectionLimits()).isEqualTo(ConnectionLimits.defaults());
        assertThat(plain.connectionLimits().clientIpv6Prefix()).isEqualTo(64);
        assertThat(plain.ipRules().isEmpty()).isTrue();
        ListenerConfig limited = plain.withConnectionLimits(ConnectionLimits.of(50, 5)).withIpRules(IpRules.allow("::1"))
                .bind("::1").named("y");
        assertThat(limited.connectionLimits().effectiveMaxConnections(Limits.defaults())).isEqualTo(50);
        assertThat(limited.ipRules().allow()).containsExactly("::1");
        assertThat(plain.connectionLimits().effectiveMaxConnections(Limits.defaults())).isEqualTo(10_000);
    }
}
