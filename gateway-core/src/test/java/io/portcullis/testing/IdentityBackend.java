package io.portcullis.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 backend that answers with its own name, for cluster tests. Paths:
 * <ul>
 *   <li>{@code /hold}: on a backend told to {@link #holdRequests()}, answers only after
 *       {@link #release()}; elsewhere like any path</li>
 *   <li>{@code /health}: {@link #healthStatus(int)} (200 by default); not counted in {@link #requests()}</li>
 *   <li>{@code /drop}: reads the request and its body, then closes the connection without answering</li>
 *   <li>anything else: 200 with the backend's name as body</li>
 * </ul>
 * It can be stopped (listener and connections closed) and started again on the same port.
 */
public final class IdentityBackend implements AutoCloseable {
    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger drops = new AtomicInteger();
    private final AtomicInteger healthProbes = new AtomicInteger();
    private final Semaphore held = new Semaphore(0);
    private final List<Runnable> waiting = new ArrayList<>(); // guarded by this
    private volatile int healthStatus = 200;
    private volatile boolean holding;
    private boolean released; // guarded by this
    private int port;
    private Channel server;

    private IdentityBackend(String name) {
        this.name = name;
    }

    public static IdentityBackend start(String name) {
        IdentityBackend b = new IdentityBackend(name);
        b.listen(0);
        return b;
    }

    private synchronized void listen(int onPort) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                // a test fixture: keep the paranoid leak tracking meant for the gateway off its buffers
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(true, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                }).bind("127.0.0.1", onPort).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = req.uri();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (path.equals("/health")) {
                healthProbes.incrementAndGet();
                respond(ctx, healthStatus, keepAlive);
                return;
            }
            requests.incrementAndGet();
            if (path.equals("/drop")) {
                drops.incrementAndGet();
                ctx.close();
                return;
            }
            if (path.equals("/hold") && holding) {
                held.release();
                synchronized (IdentityBackend.this) {
                    if (!released) {
                        waiting.add(() -> ctx.executor().execute(() -> respond(ctx, 200, keepAlive)));
                        return;
                    }
                }
            }
            respond(ctx, 200, keepAlive);
        }

        private void respond(ChannelHandlerContext ctx, int status, boolean keepAlive) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    Unpooled.copiedBuffer(name, StandardCharsets.UTF_8));
            HttpUtil.setContentLength(res, res.content().readableBytes());
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, "close");
            }
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) {
                f.addListener(x -> ctx.close());
            }
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Requests received (health probes excluded). */
    public int requests() {
        return requests.get();
    }

    /** Requests to {@code /drop} received. */
    public int drops() {
        return drops.get();
    }

    public int healthProbes() {
        return healthProbes.get();
    }

    public void healthStatus(int status) {
        healthStatus = status;
    }

    /** From now on, {@code /hold} waits for {@link #release()}. */
    public IdentityBackend holdRequests() {
        holding = true;
        return this;
    }

    /** Waits until {@code n} requests to {@code /hold} arrived (in total). */
    public boolean awaitHeld(int n) throws InterruptedException {
        boolean ok = held.tryAcquire(n, 10, TimeUnit.SECONDS);
        if (ok) {
            held.release(n);
        }
        return ok;
    }

    /** Lets every held request answer (and later ones pass straight through). */
    public void release() {
        List<Runnable> now;
        synchronized (this) {
            released = true;
            now = new ArrayList<>(waiting);
            waiting.clear();
        }
        now.forEach(Runnable::run);
    }

    /** Closes the listening socket and every connection: the port refuses connections until {@link #restart()}. */
    public synchronized void stop() {
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
    }

    /** Listens again on the same port. */
    public synchronized void restart() {
        listen(port);
    }

    @Override
    public void close() {
        release();
        stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
