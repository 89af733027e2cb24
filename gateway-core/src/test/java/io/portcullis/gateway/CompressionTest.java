package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import io.portcullis.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Response compression through real sockets: JDK HttpClient (HTTP/1.1 cleartext, HTTP/2 over TLS)
 * against a small origin whose responses are chosen by path.
 */
class CompressionTest {
    static EventLoopGroup group;
    static Channel origin;
    static Gateway gateway;
    static HttpClient h1;
    static HttpClient h2;
    /** Completed by the streaming test when the client has seen the first part. */
    static volatile CompletableFuture<Void> releaseStream = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        origin = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Origin());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        String url = "http://127.0.0.1:" + ((java.net.InetSocketAddress) origin.localAddress()).getPort();
        TestTls tls = TestTls.shared();
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(tls.chain, tls.key)))
                        .named("https").bind("127.0.0.1"))
                .compression(CompressionConfig.gzip())
                .route(RouteConfig.prefix("/").to(url).build())
                .route(RouteConfig.prefix("/plain").to(url).stripPrefix().compression(CompressionConfig.disabled()).build())
                .build();
        gateway.start();
        h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        h2 = tls.httpClient(HttpClient.Version.HTTP_2);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        origin.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** JSON of exactly {@code size} bytes, compressible (repetitive). */
    static String json(int size) {
        StringBuilder b = new StringBuilder("{\"items\":\"");
        while (b.length() < size - 2) {
            b.append((char) ('a' + b.length() % 7));
        }
        return b.append("\"}").toString();
    }

    /**
     * Paths: {@code /json?size=N[&etag=..][&vary=..][&cc=..]}, {@code /encoded} (pre-gzipped JSON),
     * {@code /png?size=N}, {@code /not-modified}, {@code /stream} (chunked text: one part, then the
     * rest once the test says so).
     */
    static final class Origin extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String path = q.path();
            if (path.equals("/stream")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("first part;", StandardCharsets.UTF_8)));
                releaseStream.thenRun(() -> ctx.executor().execute(() -> {
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("second part", StandardCharsets.UTF_8)));
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                }));
                return;
            }
            FullHttpResponse res;
            if (path.equals("/not-modified")) {
                res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
                res.headers().set(HttpHeaderNames.ETAG, "\"v1\"").set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            } else {
                byte[] body;
                String type = "application/json";
                if (path.equals("/encoded")) {
                    ByteArrayOutputStream gz = new ByteArrayOutputStream();
                    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                        out.write(json(5000).getBytes(StandardCharsets.UTF_8));
                    }
                    body = gz.toByteArray();
                } else if (path.equals("/png")) {
                    type = "image/png";
                    body = new byte[Integer.parseInt(q.parameters().get("size").get(0))];
                } else {
                    body = json(Integer.parseInt(q.parameters().get("size").get(0))).getBytes(StandardCharsets.UTF_8);
                }
                res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                if (path.equals("/encoded")) {
                    res.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
                }
                q.parameters().getOrDefault("etag", java.util.List.of()).forEach(v -> res.headers().set(HttpHeaderNames.ETAG, v));
                q.parameters().getOrDefault("vary", java.util.List.of()).forEach(v -> res.headers().add(HttpHeaderNames.VARY, v));
                q.parameters().getOrDefault("cc", java.util.List.of()).forEach(v -> res.headers().set(HttpHeaderNames.CACHE_CONTROL, v));
            }
            ctx.writeAndFlush(res);
        }
    }

    static java.net.http.HttpResponse<byte[]> get(HttpClient c, String base, String path, String acceptEncoding)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return c.send(b.build(), BodyHandlers.ofByteArray());
    }

    static String plain() {
        return "http://127.0.0.1:" + gateway.address("http").getPort();
    }

    static String tls() {
        return "https://localhost:" + gateway.address("https").getPort();
    }

    static String gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void jsonAboveMinSize_isGzipped_withVaryMergedAndWeakEtag() throws Exception {
        var r = get(h1, plain(), "/json?size=5000&etag=%22abc%22&vary=Origin", "deflate, gzip;q=0.8");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.headers().firstValue("content-length")).isEmpty();
        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(r.headers().allValues("vary")).containsExactly("Origin, Accept-Encoding");
        assertThat(r.headers().firstValue("etag")).hasValue("W/\"abc\"");
        assertThat(r.body().length).isLessThan(1000);
        assertThat(gunzip(r.body())).isEqualTo(json(5000));
    }

    @Test
    void http2Response_isGzipped() throws Exception {
        var r = get(h2, tls(), "/json?size=100000", "gzip");
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(r.body())).isEqualTo(json(100000));
    }

    @Test
    void belowMinSize_isNotCompressed() throws Exception {
        var r = get(h1, plain(), "/json?size=500", "gzip");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.headers().firstValue("content-length")).hasValue("500");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(json(500));
    }

    @Test
    void clientWithoutGzip_orRefusingIt_getsIdentity() throws Exception {
        for (String ae : new String[] {null, "deflate, identity", "gzip;q=0, br;q=0", "gzip; q=0.000, br;q=0, *;q=1", "*;q=0"}) {
            var r = get(h1, plain(), "/json?size=5000", ae);
            assertThat(r.headers().firstValue("content-encoding")).as(ae).isEmpty();
            assertThat(r.headers().allValues("vary")).as(ae).containsExactly("Accept-Encoding");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(ae).isEqualTo(json(5000));
        }
        var any = get(h1, plain(), "/json?size=5000", "identity, br;q=0, *;q=0.5");
        assertThat(any.headers().firstValue("content-encoding")).hasValue("gzip");
    }

    @Test
    void brotli_isPreferredWhenAccepted_qValuesDecide() throws Exception {
        assertThat(io.portcullis.gateway.internal.compress.Brotli.available()).as("brotli4j loads here").isTrue();
        for (String ae : new String[] {"gzip, deflate, br", "br", "gzip;q=0.9, br;q=0.9", "*"}) {
            var r = get(h1, plain(), "/json?size=5000&etag=%22abc%22", ae);
            assertThat(r.headers().firstValue("content-encoding")).as(ae).hasValue("br");
            assertThat(r.headers().firstValue("etag")).as(ae).hasValue("W/\"abc\"");
            assertThat(unbrotli(r.body())).as(ae).isEqualTo(json(5000));
        }
        for (String ae : new String[] {"br;q=0.5, gzip", "br;q=0, gzip", "gzip, *;q=0"}) {
            var r = get(h1, plain(), "/json?size=5000", ae);
            assertThat(r.headers().firstValue("content-encoding")).as(ae).hasValue("gzip");
        }
        var h2r = get(h2, tls(), "/json?size=300000", "gzip, br");
        assertThat(h2r.headers().firstValue("content-encoding")).hasValue("br");
        assertThat(unbrotli(h2r.body())).isEqualTo(json(300000));
    }

    /**
     * Decodes brotli as bytes arrive. brotli4j's BrotliInputStream asks its source for more input
     * after every read, even a satisfied one, so it cannot show that a flushed part is decodable
     * on its own; this drives the decoder directly.
     */
    static final class EagerBrotliInput extends InputStream {
        private final InputStream source;
        private final DecoderJNI.Wrapper decoder;
        private java.nio.ByteBuffer out;

        EagerBrotliInput(InputStream source) throws IOException {
            this.source = source;
            this.decoder = new DecoderJNI.Wrapper(8192);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (out == null || !out.hasRemaining()) {
                if (decoder.hasOutput()) {
                    out = decoder.pull();
                } else if (decoder.getStatus() == DecoderJNI.Status.DONE) {
                    return -1;
                } else if (decoder.getStatus() == DecoderJNI.Status.OK) {
                    decoder.push(0);
                } else if (decoder.getStatus() == DecoderJNI.Status.NEEDS_MORE_INPUT) {
                    java.nio.ByteBuffer input = decoder.getInputBuffer();
                    input.clear();
                    byte[] chunk = new byte[input.remaining()];
                    int n = source.read(chunk);
                    if (n < 0) {
                        throw new IOException("brotli stream ended early");
                    }
                    input.put(chunk, 0, n);
                    decoder.push(n);
                } else {
                    throw new IOException("brotli decoder: " + decoder.getStatus());
                }
            }
            int n = Math.min(len, out.remaining());
            out.get(b, off, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            decoder.destroy();
            source.close();
        }
    }

    static String unbrotli(byte[] body) throws IOException {
        try (InputStream in = new BrotliInputStream(new java.io.ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void alreadyEncoded_notTransformable_orUncompressibleType_isLeftAlone() throws Exception {
        var encoded = get(h1, plain(), "/encoded", "gzip");
        assertThat(encoded.headers().allValues("content-encoding")).containsExactly("gzip");
        assertThat(gunzip(encoded.body())).isEqualTo(json(5000)); // compressed once, not twice
        var noTransform = get(h1, plain(), "/json?size=5000&cc=public,%20no-transform", "gzip");
        assertThat(noTransform.headers().firstValue("content-encoding")).isEmpty();
        var png = get(h1, plain(), "/png?size=5000", "gzip");
        assertThat(png.headers().firstValue("content-encoding")).isEmpty();
        assertThat(png.headers().firstValue("vary")).isEmpty();
        var off = get(h1, plain(), "/plain/json?size=5000", "gzip"); // the route turns compression off
        assertThat(off.headers().firstValue("content-encoding")).isEmpty();
    }

    @Test
    void headAndNotModified_areUntouched() throws Exception {
        var head = h1.send(HttpRequest.newBuilder(URI.create(plain() + "/json?size=5000"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "gzip").build(),
                BodyHandlers.discarding());
        assertThat(head.headers().firstValue("content-encoding")).isEmpty();
        assertThat(head.headers().firstValue("content-length")).hasValue("5000");
        var notModified = get(h1, plain(), "/not-modified", "gzip");
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.headers().firstValue("content-encoding")).isEmpty();
        assertThat(notModified.headers().firstValue("etag")).hasValue("\"v1\"");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gzip", "br"})
    void streamedBody_isCompressedAsItArrives(String coding) throws Exception {
        releaseStream = new CompletableFuture<>();
        var r = h1.send(HttpRequest.newBuilder(URI.create(plain() + "/stream")).header("Accept-Encoding", coding).build(),
                BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("content-encoding")).hasValue(coding);
        try (InputStream body = r.body()) {
            CompletableFuture<InputStream> firstPart = CompletableFuture.supplyAsync(() -> {
                try {
                    InputStream in;
                    if (coding.equals("gzip")) {
                        in = new GZIPInputStream(body, 64);
                    } else {
                        in = new EagerBrotliInput(body);
                    }
                    byte[] first = new byte["first part;".length()];
                    int n = 0;
                    while (n < first.length) {
                        int k = in.read(first, n, first.length - n);
                        if (k < 0) {
                            throw new IOException("end of body after " + n + " bytes");
                        }
                        n += k;
                    }
                    assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("first part;");
                    return in;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in;
            try {
                // the origin holds the rest back until the client saw the first part: buffering would time out here
                in = firstPart.get(10, TimeUnit.SECONDS);
            } finally {
                releaseStream.complete(null);
            }
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second part");
        }
    }
}
