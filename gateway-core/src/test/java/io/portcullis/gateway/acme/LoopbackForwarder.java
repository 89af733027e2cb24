package io.portcullis.gateway.acme;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * A TCP forwarder on a loopback port that picks the target port per connection: stands where
 * pebble validates http-01 (one fixed port) in front of several gateway nodes.
 */
final class LoopbackForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final IntSupplier target;
    private final List<Integer> targets = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private LoopbackForwarder(int port, IntSupplier target) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.target = target;
        Thread t = new Thread(this::accept, "forwarder-" + port);
        t.setDaemon(true);
        t.start();
    }

    static LoopbackForwarder start(int port, IntSupplier target) throws IOException {
        return new LoopbackForwarder(port, target);
    }

    /** The target port of every connection so far. */
    List<Integer> targets() {
        return List.copyOf(targets);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                int port = target.getAsInt();
                targets.add(port);
                Socket out = new Socket(InetAddress.getLoopbackAddress(), port);
                open.add(in);
                open.add(out);
                pipe(in, out);
                pipe(out, in);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                i.transferTo(o);
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "forwarder-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
