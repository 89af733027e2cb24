package io.portcullis.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 origin for end-to-end tests, on loopback. Endpoints:
 * <ul>
 *   <li>{@code /echo...}: JSON-ish dump of method, uri and headers; body bytes counted</li>
 *   <li>{@code /upload}: consumes the body, answers {@code bytes=N sum=S}</li>
 *   <li>{@code /download?bytes=N}: streams N bytes (pattern {@code i % 251}), chunked, honouring writability</li>
 *   <li>{@code /slow?ms=N}: answers after N ms</li>
 *   <li>{@code /status/NNN}: answers with that status</li>
 *   <li>{@code /reset}: closes the connection without answering</li>
 *   <li>{@code /garbage}: answers with bytes that are not HTTP</li>
 *   <li>{@code /truncate}: promises 100000 bytes, sends 10 and closes</li>
 *   <li>{@code /extra}: a complete response followed by the start of an unsolicited one</li>
 *   <li>{@code /set-headers?name=value...}: an empty 200 with those response headers</li>
 *   <li>{@code /drop}: reads the request, waits 300 ms, closes without answering</li>
 * </ul>
 * Every request head received is recorded for assertions.
 */
public final class TestUpstream implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final ConcurrentLinkedQueue<HttpRequest> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();

    private TestUpstream(SslContext ssl) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // the upstream is a test fixture, not the code under test: keep Netty's paranoid leak
                // tracking (a stack trace per buffer access) off its buffers so 1 GiB bodies stay fast
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(true, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new Handler());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    public static TestUpstream start() {
        return new TestUpstream(null);
    }

    public static TestUpstream startTls(SslContext serverContext) {
        return new TestUpstream(serverContext);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Request heads received so far, oldest first. */
    public List<HttpRequest> requests() {
        return List.copyOf(requests);
    }

    public HttpRequest lastRequest() {
        HttpRequest last = null;
        for (HttpRequest r : requests) {
            last = r;
        }
        return last;
    }

    /** TCP connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest req;
        private long bodyBytes;
        private long sum;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                req = r;
                bodyBytes = 0;
                sum = 0;
                requests.add(r);
                if (r.uri().startsWith("/reset")) {
                    ctx.close();
                    return;
                }
            }
            if (msg instanceof HttpContent c) {
                ByteBuf b = c.content();
                bodyBytes += b.readableBytes();
                // bulk copy: per-byte access on a leak-tracked buffer records a stack trace each time
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                for (byte x : bytes) {
                    sum += x & 0xff;
                }
                if (c instanceof LastHttpContent && req != null) {
                    respond(ctx, req);
                }
            }
        }

        private void respond(ChannelHandlerContext ctx, HttpRequest r) {
            QueryStringDecoder q = new QueryStringDecoder(r.uri());
            String path = q.path();
            boolean keepAlive = HttpUtil.isKeepAlive(r);
            if (path.startsWith("/download")) {
                long n = Long.parseLong(param(q, "bytes", "0"));
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                if (q.parameters().containsKey("length")) {
                    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, n);
                } else {
                    HttpUtil.setTransferEncodingChunked(res, true);
                }
                ctx.write(res);
                new Streamer(ctx, n).run();
                return;
            }
            if (path.startsWith("/slow")) {
                long ms = Long.parseLong(param(q, "ms", "1000"));
                ctx.executor().schedule(() -> send(ctx, HttpResponseStatus.OK, "slow done", keepAlive),
                        ms, TimeUnit.MILLISECONDS);
                return;
            }
            if (path.startsWith("/status/")) {
                send(ctx, HttpResponseStatus.valueOf(Integer.parseInt(path.substring(8))), "status", keepAlive);
                return;
            }
            if (path.startsWith("/truncate")) {
                // promises 100000 bytes, sends 10, then drops the connection
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 100_000);
                ctx.write(res);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII)))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (path.startsWith("/extra")) {
                // a complete response followed by the start of another one nobody asked for
                raw(ctx).writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        + "HTTP/1.1 299 Poisoned\r\nX-A: ", StandardCharsets.US_ASCII));
                return;
            }
            if (path.startsWith("/drop")) {
                // reads the request, "works" on it, then drops the connection without answering
                ctx.executor().schedule(() -> ctx.close(), 300, TimeUnit.MILLISECONDS);
                return;
            }
            if (path.startsWith("/garbage")) {
                raw(ctx).writeAndFlush(Unpooled.copiedBuffer("NOT HTTP AT ALL\r\n\r\n", StandardCharsets.US_ASCII))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (path.startsWith("/set-headers")) {
                // answers with the query parameters as response headers
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.EMPTY_BUFFER);
                q.parameters().forEach((k, v) -> res.headers().set(k, v.get(0)));
                res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(res);
                return;
            }
            if (path.startsWith("/upload")) {
                send(ctx, HttpResponseStatus.OK, "bytes=" + bodyBytes + " sum=" + sum, keepAlive);
                return;
            }
            StringBuilder sb = new StringBuilder();
            sb.append("method=").append(r.method()).append('\n');
            sb.append("uri=").append(r.uri()).append('\n');
            sb.append("body=").append(bodyBytes).append('\n');
            for (Map.Entry<String, String> h : r.headers()) {
                sb.append(h.getKey().toLowerCase()).append(": ").append(h.getValue()).append('\n');
            }
            send(ctx, HttpResponseStatus.OK, sb.toString(), keepAlive);
        }

        /** Writes below the HTTP codec: bytes go out exactly as given. */
        private ChannelHandlerContext raw(ChannelHandlerContext ctx) {
            return ctx.pipeline().context(HttpServerCodec.class); // below the codec, above TLS
        }

        private String param(QueryStringDecoder q, String name, String def) {
            List<String> v = q.parameters().get(name);
            return v == null || v.isEmpty() ? def : v.get(0);
        }

        private void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(bytes));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                    .set("x-upstream-header", "yes")
                    .set("keep-alive", "timeout=5")
                    .set("server", "TestUpstream/1.0")
                    .set("x-powered-by", "tests")
                    .set("proxy-authenticate", "Basic");
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(res);
            }
        }
    }

    /** Writes a large body in 64 KiB chunks, pausing while the channel is not writable. */
    private static final class Streamer implements Runnable {
        private final ChannelHandlerContext ctx;
        private long remaining;
        private long position;

        Streamer(ChannelHandlerContext ctx, long total) {
            this.ctx = ctx;
            this.remaining = total;
        }

        @Override
        public void run() {
            while (remaining > 0 && ctx.channel().isActive()) {
                int n = (int) Math.min(64 * 1024, remaining);
                byte[] bytes = new byte[n];
                for (int i = 0; i < n; i++) {
                    bytes[i] = (byte) ((position + i) % 251);
                }
                ByteBuf b = ctx.alloc().buffer(n).writeBytes(bytes);
                position += n;
                remaining -= n;
                if (remaining == 0) {
                    ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(b));
                    return;
                }
                ctx.write(new DefaultHttpContent(b));
                if (!ctx.channel().isWritable()) {
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ctx.executor().execute(this));
                    return;
                }
            }
            if (remaining == 0) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }
    }
}
