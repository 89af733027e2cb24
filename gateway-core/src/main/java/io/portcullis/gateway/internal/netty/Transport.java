package io.portcullis.gateway.internal.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.IoTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Netty transport behind an {@link IoTransport} choice: io_uring, epoll or NIO. */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel,
        Class<? extends DatagramChannel> datagramChannel) {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /**
     * A JVM system property that overrides what {@code auto} picks ({@code io-uring}, {@code epoll},
     * {@code nio}) without a change of configuration: the operator's switch if one kernel's io_uring
     * misbehaves, and how the test suite runs its epoll pass on a machine that has io_uring.
     */
    public static final String AUTO_OVERRIDE = "portcullis.transport";

    /**
     * The transport for {@code choice}. {@code AUTO} takes the best available and says in the log
     * why a better one was passed over; a named one that is unavailable here is a {@link ConfigException}.
     */
    public static Transport of(IoTransport choice) {
        return switch (choice) {
            case IO_URING -> {
                require(IoUring.isAvailable(), "io-uring", IoUring.unavailabilityCause());
                yield ioUring();
            }
            case EPOLL -> {
                require(Epoll.isAvailable(), "epoll", Epoll.unavailabilityCause());
                yield epoll();
            }
            case NIO -> nio();
            case AUTO -> {
                String forced = System.getProperty(AUTO_OVERRIDE, "").trim();
                if (forced.isEmpty() || forced.equals("auto")) {
                    yield best();
                }
                IoTransport named = null;
                for (IoTransport t : IoTransport.values()) {
                    if (t != IoTransport.AUTO && t.name().replace('_', '-').equalsIgnoreCase(forced.replace('_', '-'))) {
                        named = t;
                    }
                }
                ConfigException.check(named != null, "transport", "auto, overridden by -D" + AUTO_OVERRIDE + "="
                        + forced + " (expected: io-uring, epoll or nio)");
                yield of(named);
            }
        };
    }

    /** io_uring, else epoll, else NIO. */
    public static Transport best() {
        if (IoUring.isAvailable()) {
            return ioUring();
        }
        if (Epoll.isAvailable()) {
            LOG.info("io_uring unavailable ({}); using epoll", reason(IoUring.unavailabilityCause()));
            return epoll();
        }
        LOG.info("Native transports unavailable (io_uring: {}; epoll: {}); using NIO",
                reason(IoUring.unavailabilityCause()), reason(Epoll.unavailabilityCause()));
        return nio();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    private static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, IoUringDatagramChannel.class);
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollDatagramChannel.class);
    }

    private static void require(boolean available, String name, Throwable cause) {
        ConfigException.check(available, "transport", "'" + name + "' is not available on this machine ("
                + reason(cause) + "); expected: auto, or a transport this machine has");
    }

    private static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown reason";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? String.valueOf(cause) : cause + ", caused by " + root;
    }

    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory);
    }
}
