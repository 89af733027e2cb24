package io.portcullis.gateway.ratelimit.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Redis for tests: the machine's server on 127.0.0.1:6379 (tests skip with a reason when it is not
 * running; CI starts it and fails on skipped tests), or a private {@code redis-server} on a free
 * port that a test may stop and restart.
 */
final class LocalRedis implements AutoCloseable {
    static final String SHARED_URI = "redis://127.0.0.1:6379";

    private final int port;
    private final Path dir;
    private Process process;

    private LocalRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Skips the calling test unless the shared Redis answers. */
    static void assumeSharedRedis() {
        assumeTrue(reachable(6379), "Redis is not running on 127.0.0.1:6379 (start redis-server; CI does)");
    }

    /** A private redis-server (skips the test when the binary is missing). */
    static LocalRedis startPrivate() throws Exception {
        Path binary = Path.of("/usr/bin/redis-server");
        assumeTrue(Files.isExecutable(binary), "redis-server is not installed (apt-get install redis-server; CI does)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalRedis r = new LocalRedis(port, Files.createTempDirectory("portcullis-redis"));
        r.start();
        return r;
    }

    void start() throws Exception {
        process = new ProcessBuilder("/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--enable-debug-command", "local")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!reachable(port)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code body} with synchronous commands on {@code uri} (test thread only). */
    static <T> T with(String uri, java.util.function.Function<RedisCommands<String, String>, T> body) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.setTimeout(Duration.ofSeconds(5));
            return body.apply(c.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
