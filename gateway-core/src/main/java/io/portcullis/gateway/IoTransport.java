package io.portcullis.gateway;

/**
 * The socket I/O layer the gateway's event loops run on. {@link #AUTO} picks the best one the
 * machine offers; naming one that is not available fails the gateway's start with the reason.
 */
public enum IoTransport {
    /** io_uring where the kernel offers it, else epoll, else NIO. */
    AUTO,
    /**
     * Linux io_uring (kernel 5.14 or newer): reads, writes and accepts go through shared rings, many
     * per system call. Often disabled by container seccomp profiles or {@code kernel.io_uring_disabled}.
     */
    IO_URING,
    /** Linux epoll, edge-triggered: one system call per read and per write. */
    EPOLL,
    /** The JDK's NIO selector: every platform, the slowest. */
    NIO
}
