package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.policy.PolicySpec;
import io.netty.handler.codec.http2.Http2Headers;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.WebSocketEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through the gateway: the JDK's WebSocket client, over TLS and cleartext, against a
 * Netty WebSocket echo origin; handshake checks, JWT on the handshake, idle timeout and drain.
 */
class WebSocketProxyTest {
    static final String ISSUER = "https://ws.test";
    static final String SECRET = "a-websocket-test-secret-of-32-bytes!!";

    static WebSocketEchoServer origin;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static Gateway gateway;
    static HttpClient client;

    @BeforeAll
    static void start() {
        origin = WebSocketEchoServer.start();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))
                        .named("https").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/ws").to(origin.url()).build())
                .route(RouteConfig.prefix("/secure").to(origin.url()).replacePrefix("/ws")
                        .policy(PolicySpec.of("jwt", Map.of("issuers", List.of(Map.of("issuer", ISSUER, "secret", SECRET)))))
                        .build())
                .route(RouteConfig.prefix("/nows").to(origin.url()).replacePrefix("/ws").websocket(false).build())
                .meterRegistry(meters)
                .build();
        gateway.start();
        client = tls.httpClient(HttpClient.Version.HTTP_1_1);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        origin.close();
    }

    @BeforeEach
    void clearRecords() {
        origin.handshakes.clear();
        origin.closesReceived.clear();
        origin.closedConnections.clear();
    }

    static URI plain(String path) {
        return URI.create("ws://127.0.0.1:" + gateway.address("http").getPort() + path);
    }

    static URI secure(String path) {
        return URI.create("wss://localhost:" + gateway.address("https").getPort() + path);
    }

    /** Collects what a JDK WebSocket receives: whole text and binary messages, pongs, the close, errors. */
    static final class Received implements WebSocket.Listener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                events.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            events.add("pong:" + StandardCharsets.UTF_8.decode(message));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add("close:" + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.add(error);
        }

        Object next() throws InterruptedException {
            Object e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("an event within 10 s").isNotNull();
            return e;
        }
    }

    static WebSocket open(URI uri, Received listener, String token) throws Exception {
        WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
    }

    private static void echoConversation(URI uri) throws Exception {
        Received r = new Received();
        WebSocket ws = open(uri, r, null);
        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo("hello");
        byte[] bin = {0, 1, 2, (byte) 0xff, 42};
        ws.sendBinary(ByteBuffer.wrap(bin), true).get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo(bin);
        ws.sendPing(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo("pong:p1");

        // 1 MiB each way, far more than the socket buffers: it has to stream with backpressure
        char[] big = new char[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (char) ('a' + i % 26);
        }
        String large = new String(big);
        ws.sendText(large, true).get(10, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo(large);

        assertThat(meters.get("portcullis.websocket.tunnels").gauge().value()).isGreaterThanOrEqualTo(1);
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        assertThat(origin.closesReceived.poll(5, TimeUnit.SECONDS)).isEqualTo("1000 done");
        assertThat(r.next()).isEqualTo("close:1000 done");
        assertThat(origin.closedConnections.poll(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void echoOverCleartext_textBinaryPingLargeAndClientClose() throws Exception {
        echoConversation(plain("/ws/echo"));
    }

    @Test
    void echoOverTls_textBinaryPingLargeAndClientClose() throws Exception {
        echoConversation(secure("/ws/echo"));
        HttpHeadersView seen = new HttpHeadersView(origin.handshakes.poll(5, TimeUnit.SECONDS));
        assertThat(seen.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(seen.get("x-request-id")).isNotBlank();
    }

    @Test
    void serverClose_reachesTheClientWithCodeAndReason() throws Exception {
        Received r = new Received();
        WebSocket ws = open(secure("/ws/echo"), r, null);
        ws.sendText("close-me", true).get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo("close:4000 bye"); // the JDK client answers the close itself
        assertThat(origin.closesReceived.poll(5, TimeUnit.SECONDS)).isEqualTo("4000 "); // its code, no reason
        assertThat(origin.closedConnections.poll(5, TimeUnit.SECONDS)).isNotNull();
        awaitTunnels(0);
    }

    @Test
    void jwtProtectedRoute_refusesTheHandshakeWithoutAToken_acceptsWithOne() throws Exception {
        assertThatThrownBy(() -> open(plain("/secure/x"), new Received(), null))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        String token = token();
        Received r = new Received();
        WebSocket ws = open(plain("/secure/x"), r, token);
        ws.sendText("authorized", true).get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo("authorized");
        ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo("close:1000 ");
        assertThat(origin.closedConnections.poll(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void routeWithWebSocketOff_refusesWith403() throws Exception {
        assertThatThrownBy(() -> open(plain("/nows/x"), new Received(), null))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    void malformedHandshakes_areRefusedBeforeTheUpstream() throws Exception {
        int port = gateway.address("http").getPort();
        String base = "GET /ws/echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            RawHttp.Result r = raw.send(base + "Sec-WebSocket-Version: 13\r\n\r\n").readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("Sec-WebSocket-Key");
        }
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            RawHttp.Result r = raw.send(base + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .readResponse();
            assertThat(r.status()).isEqualTo(426);
            assertThat(r.header("sec-websocket-version")).isEqualTo("13");
        }
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            RawHttp.Result r = raw.send("POST /ws/echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 0\r\n\r\n")
                    .readResponse();
            assertThat(r.status()).isEqualTo(400);
        }
    }

    @Test
    void upstreamRefusingTheUpgrade_isProxiedAsAnOrdinaryResponse() throws Exception {
        // the origin only speaks WebSocket under /ws: elsewhere it answers 404
        try (Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to(origin.url()).build()).build()) {
            gw.start();
            try (RawHttp raw = new RawHttp("127.0.0.1", gw.address("http").getPort())) {
                RawHttp.Result r = raw.send("GET /elsewhere HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").readResponse();
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.body()).isEqualTo("no such socket");
            }
        }
    }

    @Test
    void idleTunnel_isClosedOnBothSides() throws Exception {
        try (Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/ws").to(origin.url()).build())
                .timeouts(Timeouts.builder().websocketIdle(Duration.ofMillis(300)).build()).build()) {
            gw.start();
            Received r = new Received();
            WebSocket ws = open(URI.create("ws://127.0.0.1:" + gw.address("http").getPort() + "/ws/idle"), r, null);
            ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
            assertThat(r.next()).isEqualTo("still here");
            Object end = r.next(); // nothing more is sent: the gateway cuts the tunnel
            assertThat(end).satisfiesAnyOf(e -> assertThat(e).isInstanceOf(Throwable.class),
                    e -> assertThat(e).asString().startsWith("close:1006"));
            assertThat(origin.closedConnections.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void gatewayShutdown_closesTunnelsAfterTheDrainTimeout() throws Exception {
        Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/ws").to(origin.url()).build())
                .timeouts(Timeouts.builder().drain(Duration.ofMillis(300)).build()).build();
        gw.start();
        Received r = new Received();
        WebSocket ws = open(URI.create("ws://127.0.0.1:" + gw.address("http").getPort() + "/ws/drain"), r, null);
        ws.sendText("before", true).get(5, TimeUnit.SECONDS);
        assertThat(r.next()).isEqualTo("before");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
        closing.get(10, TimeUnit.SECONDS);
        assertThat(r.next()).satisfiesAnyOf(e -> assertThat(e).isInstanceOf(Throwable.class),
                e -> assertThat(e).asString().startsWith("close:1006"));
        assertThat(origin.closedConnections.poll(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void bytesRightAfterThe101_andBothDirections_areRelayedUnchanged() throws Exception {
        // a bare origin that answers the handshake and its first bytes in one write, then echoes raw bytes
        try (java.net.ServerSocket bare = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/").to("http://127.0.0.1:" + bare.getLocalPort()).build()).build()) {
            gw.start();
            CompletableFuture<String> upstreamSaw = CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = bare.accept()) {
                    s.setSoTimeout(5000);
                    var in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nfrom-upstream")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] got = new byte["from-client".length()];
                    int n = 0;
                    while (n < got.length) {
                        n += in.read(got, n, got.length - n);
                    }
                    return head + new String(got, StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (java.net.Socket c = new java.net.Socket("127.0.0.1", gw.address("http").getPort())) {
                c.setSoTimeout(5000);
                c.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                var in = c.getInputStream();
                StringBuilder got = new StringBuilder();
                while (!got.toString().endsWith("from-upstream")) {
                    int b = in.read();
                    assertThat(b).as("received so far: " + got).isNotNegative();
                    got.append((char) b);
                }
                String response = got.toString();
                assertThat(response).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                        .containsIgnoringCase("upgrade: websocket\r\n").containsIgnoringCase("connection: upgrade\r\n")
                        .contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").containsIgnoringCase("x-request-id: ")
                        .doesNotContainIgnoringCase("transfer-encoding").doesNotContainIgnoringCase("content-length")
                        .endsWith("\r\n\r\nfrom-upstream");
                c.getOutputStream().write("from-client".getBytes(StandardCharsets.US_ASCII));
                String upstream = upstreamSaw.get(5, TimeUnit.SECONDS);
                assertThat(upstream).startsWith("GET /chat HTTP/1.1\r\n").containsIgnoringCase("upgrade: websocket\r\n")
                        .containsIgnoringCase("connection: upgrade\r\n").contains("dGhlIHNhbXBsZSBub25jZQ==")
                        .endsWith("\r\n\r\nfrom-client");
                // the origin closed its socket: the client's side of the tunnel follows
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void http2ExtendedConnect_isNotAdvertised_andFailsCleanly() throws Exception {
        try (NettyH2Client h2 = new NettyH2Client("127.0.0.1", gateway.address("https").getPort(), true)) {
            assertThat(h2.negotiatedProtocol()).isEqualTo("h2");
            Long enableConnect = h2.serverSettings().get((char) 8); // SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441)
            assertThat(enableConnect == null || enableConnect == 0L).isTrue();
            Http2Headers headers = NettyH2Client.headers("CONNECT", "localhost", "/ws/echo")
                    .set(":protocol", "websocket").set("sec-websocket-version", "13");
            NettyH2Client.Response r = h2.send(headers, null);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"status\":400"); // a problem answer on the stream: the connection lives on
        }
        assertThat(origin.handshakes).isEmpty();
    }

    private static void awaitTunnels(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (meters.get("portcullis.websocket.tunnels").gauge().value() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10); // the gauge falls on the gateway's loop after the close reached the client
        }
        assertThat(meters.get("portcullis.websocket.tunnels").gauge().value()).isEqualTo(expected);
    }

    private static String token() throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject("alice").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** Case-insensitive view of recorded upstream headers. */
    record HttpHeadersView(io.netty.handler.codec.http.HttpHeaders headers) {
        String get(String name) {
            return headers.get(name);
        }
    }
}
