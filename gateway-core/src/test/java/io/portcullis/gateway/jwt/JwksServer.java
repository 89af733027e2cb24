package io.portcullis.gateway.jwt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real JWKS endpoint on 127.0.0.1 whose document, status and availability a test can change, and
 * which can hold its answer until released (to show the gateway does not wait on it).
 */
final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    final AtomicInteger hits = new AtomicInteger();
    private volatile String body;
    private volatile int status = 200;
    private volatile CountDownLatch hold;
    private volatile CountDownLatch received = new CountDownLatch(1);

    private JwksServer(HttpServer server, String body) {
        this.server = server;
        this.body = body;
        server.createContext("/jwks.json", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-jwks");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static JwksServer start(String body) {
        try {
            return new JwksServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JwksServer startTls(String body, SSLContext ssl) {
        try {
            HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.setHttpsConfigurator(new HttpsConfigurator(ssl));
            return new JwksServer(s, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        String host = server instanceof HttpsServer ? "localhost" : "127.0.0.1";
        return scheme + "://" + host + ":" + server.getAddress().getPort() + "/jwks.json";
    }

    void body(String json) {
        this.body = json;
    }

    void status(int status) {
        this.status = status;
    }

    /** Requests wait from now on until {@link #release()}. */
    void hold() {
        hold = new CountDownLatch(1);
        received = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
        }
    }

    /** Waits until a request arrived since {@link #hold()}. */
    boolean awaitRequest() throws InterruptedException {
        return received.await(10, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange ex) throws IOException {
        hits.incrementAndGet();
        received.countDown();
        CountDownLatch h = hold;
        if (h != null) {
            try {
                h.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
