package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Headers;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Ambiguous requests (the raw material of request smuggling) get 400 and a closed connection, and
 * never reach the upstream.
 */
class StrictParsingTest {
    static TestUpstream upstream;
    static Gateway gateway;
    static int port;
    static int tlsPort;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key))).named("https").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        gateway.start();
        port = gateway.address("http").getPort();
        tlsPort = gateway.address("https").getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static RawHttp.Result raw(String request) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            return raw.send(request).readUntilCloseOrQuiet(3000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "content-length and chunked|POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "chunked twice|POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
        "gzip then chunked|POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "obs-fold|GET /echo HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n",
        "two hosts|GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "missing host|GET /echo HTTP/1.1\r\n\r\n",
        "underscore in name|GET /echo HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 1.2.3.4\r\n\r\n",
        "space before colon|GET /echo HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n",
        "bare LF|GET /echo HTTP/1.1\nHost: a\n\n",
        "two content lengths|POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "encoded NUL in path|GET /echo/%00 HTTP/1.1\r\nHost: a\r\n\r\n",
        "bad percent|GET /echo/%zz HTTP/1.1\r\nHost: a\r\n\r\n",
        "dot segment with parameters|GET /api/..;/admin HTTP/1.1\r\nHost: a\r\n\r\n",
        "encoded dot segment with parameters|GET /api/%2e%2e;x/admin HTTP/1.1\r\nHost: a\r\n\r\n",
        "absolute-form disagreeing with Host|GET http://b.test/echo HTTP/1.1\r\nHost: a.test\r\n\r\n",
        "invalid host|GET /echo HTTP/1.1\r\nHost: a b\r\n\r\n",
    })
    void ambiguousRequest_gets400AndClose(String testCase) throws Exception {
        String request = testCase.substring(testCase.indexOf('|') + 1);
        int before = upstream.requests().size();
        RawHttp.Result r = raw(request);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        assertThat(r.closed()).as("connection closed").isTrue();
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void badChunkFraming_gets400_andTheUpstreamRequestIsAborted() throws Exception {
        // the head is streamed upstream before the body is seen, so the upstream may see the head; it
        // never sees a complete request, because the upstream connection is cut when the framing breaks
        int connectionsBefore = upstream.connectionCount();
        RawHttp.Result r = raw("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nab\r\nzz\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.closed()).isTrue();
        Thread.sleep(200);
        assertThat(upstream.requests()).noneMatch(req -> req.uri().contains("smuggled"));
        assertThat(upstream.connectionCount()).isGreaterThanOrEqualTo(connectionsBefore);
    }

    @Test
    void chunkedBody_isForwardedRebuilt() throws Exception {
        RawHttp.Result r = raw("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("bytes=5 ");
    }

    @Test
    void unsupportedExpectation_gets417() throws Exception {
        RawHttp.Result r = raw("GET /echo HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n");
        assertThat(r.status()).isEqualTo(417);
    }

    @Test
    void expectContinue_isAnsweredByTheGateway() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
            raw.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Result cont = raw.readResponse();
            assertThat(cont.status()).isEqualTo(100);
            raw.send("xyz");
            RawHttp.Result r = raw.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("bytes=3 ");
        }
    }

    @Test
    void h2_crLfInHeaderValue_isRefusedBeforeTranslation() throws Exception {
        // RFC 9113 section 8.2.1: a field value with CR, LF or NUL makes the request malformed, a stream
        // error. Netty's HPACK decoder already resets such a stream (PROTOCOL_ERROR); Http2RequestGuard
        // answers 400 for anything that gets past it. Either way the upstream never sees the request.
        try (NettyH2Client client = new NettyH2Client("127.0.0.1", tlsPort, true)) {
            assertThat(client.negotiatedProtocol()).isEqualTo("h2");
            Http2Headers h = NettyH2Client.headers("GET", "localhost", "/echo/crlf");
            h.add("x-evil", "a\r\nInjected: yes");
            NettyH2Client.Response r = client.send(h, null);
            if (r.status() != -1) {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.body()).contains("control character");
            }
        }
        Thread.sleep(100);
        assertThat(upstream.requests()).noneMatch(req -> req.uri().contains("crlf"));
    }

    @Test
    void h2_underscoreInHeaderName_gets400FromTheGuard() throws Exception {
        // valid for HPACK, but ambiguous to upstreams that fold '_' into '-' (X-Forwarded-For spoofing)
        try (NettyH2Client client = new NettyH2Client("127.0.0.1", tlsPort, true)) {
            Http2Headers h = NettyH2Client.headers("GET", "localhost", "/echo/del");
            h.add("x_forwarded_for", "6.6.6.6");
            NettyH2Client.Response r = client.send(h, null);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.headers().get("content-type").toString()).isEqualTo("application/problem+json");
            assertThat(r.body()).contains("invalid header field name");
        }
        assertThat(upstream.requests()).noneMatch(req -> req.uri().contains("del"));
    }

    @Test
    void h2_authorityAndHostDisagree_gets400() throws Exception {
        try (NettyH2Client client = new NettyH2Client("127.0.0.1", tlsPort, true)) {
            Http2Headers h = NettyH2Client.headers("GET", "localhost", "/echo");
            h.add("host", "evil.test");
            NettyH2Client.Response r = client.send(h, null);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("disagree");
        }
    }

    @Test
    void h2_matchingAuthorityAndHost_isFine() throws Exception {
        try (NettyH2Client client = new NettyH2Client("127.0.0.1", tlsPort, true)) {
            Http2Headers h = NettyH2Client.headers("GET", "localhost", "/echo");
            h.add("host", "localhost");
            NettyH2Client.Response r = client.send(h, null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("host: localhost\n");
        }
    }

    @Test
    void h2_settingsCarryTheLimits() throws Exception {
        try (NettyH2Client client = new NettyH2Client("127.0.0.1", tlsPort, true)) {
            var settings = client.serverSettings();
            assertThat(settings.maxConcurrentStreams()).isEqualTo(100L);
            assertThat(settings.initialWindowSize()).isEqualTo(64 * 1024);
            assertThat(settings.maxHeaderListSize()).isEqualTo(32L * 1024);
        }
    }

    @Test
    void h2cPriorKnowledge_onCleartextListener() throws Exception {
        try (NettyH2Client client = new NettyH2Client("127.0.0.1", port, false)) {
            NettyH2Client.Response r = client.send(NettyH2Client.headers("POST", "localhost", "/upload"), "hello");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("bytes=5 ");
        }
    }
}
