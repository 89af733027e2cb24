package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.server.config.ConfigError;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.ConfigReloader;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload: routes change under continuous HTTP/1.1 and HTTP/2 traffic without a failed request;
 * an invalid file keeps the running configuration. Each generation rewrites to {@code /echo/genN}
 * on alternating upstreams, so every response says which configuration served it.
 */
class ReloadTest {
    @TempDir
    Path dir;
    TestUpstream a;
    TestUpstream b;
    PortcullisServer server;
    ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
    Path file;

    String yaml(int generation, String extraRoutePolicy) {
        TestTls tls = TestTls.shared();
        TestUpstream up = generation % 2 == 0 ? a : b;
        return """
                listeners:
                  - {name: http, host: 127.0.0.1, port: 0, mode: http}
                  - name: https
                    host: 127.0.0.1
                    port: 0
                    tls: {certificates: [{certificateChain: %s, privateKey: %s}]}
                routes:
                  - id: app
                    path: /
                    upstream: %s
                    rewrite: replace-prefix
                    rewriteTo: /echo/gen%d
                    %s
                admin: {enabled: false}
                """.formatted(tls.chain, tls.key, up.url(), generation, extraRoutePolicy);
    }

    ServerConfig write(int generation, String extra) throws Exception {
        Files.writeString(file, yaml(generation, extra));
        return loader.load(file);
    }

    @BeforeEach
    void start() throws Exception {
        a = TestUpstream.start();
        b = TestUpstream.start();
        file = dir.resolve("portcullis.yaml");
        server = PortcullisServer.start(write(0, ""), loader);
    }

    @AfterEach
    void stop() {
        server.close();
        a.close();
        b.close();
    }

    private String get(HttpClient client, String scheme) throws Exception {
        int port = server.addresses().get(scheme).getPort();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + port + "/x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError(scheme + " got " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    @Test
    void tenReloadsUnderTraffic_noFailedRequest_andEachTakesEffect() throws Exception {
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient h2 = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger served = new AtomicInteger();
        List<Thread> clients = List.of(
                traffic(() -> get(h1, "http"), running, failures, served),
                traffic(() -> get(h2, "https"), running, failures, served));
        clients.forEach(Thread::start);
        try {
            for (int gen = 1; gen <= 10; gen++) {
                int before = served.get();
                while (served.get() < before + 5 && failures.isEmpty()) {
                    Thread.sleep(5); // some traffic on the old configuration first
                }
                server.reload(write(gen, ""));
                // reload returns once every event loop uses the new table: the next request sees it
                assertThat(get(h1, "http")).contains("/echo/gen" + gen + "/x");
                assertThat(get(h2, "https")).contains("/echo/gen" + gen + "/x");
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(served.get()).isGreaterThanOrEqualTo(50);
        assertThat(a.requests()).isNotEmpty();
        assertThat(b.requests()).isNotEmpty();
        assertThat(server.registry().counter("portcullis.config.reloads", "result", "success").count()).isEqualTo(10);
    }

    private static Thread traffic(Call call, AtomicBoolean running, ConcurrentLinkedQueue<Throwable> failures,
                                  AtomicInteger served) {
        return new Thread(() -> {
            while (running.get()) {
                try {
                    call.run();
                    served.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                    return;
                }
            }
        }, "traffic");
    }

    interface Call {
        void run() throws Exception;
    }

    @Test
    void invalidReload_keepsTheRunningConfiguration() throws Exception {
        HttpClient h1 = HttpClient.newHttpClient();
        ServerConfig bad = write(1, "policies: [{type: rate-limit, settings: {requests: 0, per: 1m}}]");
        assertThatThrownBy(() -> server.reload(bad)).isInstanceOfSatisfying(ConfigError.class, e -> {
            assertThat(e.path()).isEqualTo("routes[0].policies[0].settings.requests");
            assertThat(e.line()).isEqualTo(13); // the "requests: 0" inside the flow mapping
        });
        assertThat(get(h1, "http")).contains("/echo/gen0/x");

        Files.writeString(file, yaml(2, "") + "ioThreads: 7\n");
        ServerConfig threadChange = loader.load(file);
        assertThatThrownBy(() -> server.reload(threadChange)).isInstanceOfSatisfying(ConfigError.class,
                e -> assertThat(e.getMessage()).contains("ioThreads: changed", "need a restart"));
        assertThat(get(h1, "http")).contains("/echo/gen0/x");
        assertThat(server.registry().counter("portcullis.config.reloads", "result", "failure").count()).isEqualTo(2);
    }

    @Test
    void reload_addsAListener_andRemovesOne_keepingTheOthersSockets() throws Exception {
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int https = server.addresses().get("https").getPort();
        String added = yaml(1, "").replace("  - name: https\n",
                "  - {name: extra, host: 127.0.0.1, port: 0, mode: http}\n  - name: https\n");
        Files.writeString(file, added);
        server.reload(loader.load(file));
        assertThat(server.addresses()).containsOnlyKeys("http", "extra", "https");
        assertThat(server.addresses().get("https").getPort()).isEqualTo(https);
        int extra = server.addresses().get("extra").getPort();
        assertThat(h1.send(HttpRequest.newBuilder(URI.create("http://localhost:" + extra + "/x")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("/echo/gen1/x");

        Files.writeString(file, yaml(2, "").replace("  - {name: http, host: 127.0.0.1, port: 0, mode: http}\n", ""));
        server.reload(loader.load(file));
        assertThat(server.addresses()).containsOnlyKeys("https");
        assertThat(server.addresses().get("https").getPort()).isEqualTo(https);
    }

    @Test
    void watcher_appliesAChangedFile_andLogsAnInvalidOne() throws Exception {
        HttpClient h1 = HttpClient.newHttpClient();
        try (ConfigReloader watcher = new ConfigReloader(server, loader, file, Duration.ofMillis(100))) {
            Files.writeString(file, yaml(3, ""));
            String body = "";
            for (int i = 0; i < 200 && !body.contains("/echo/gen3/"); i++) {
                Thread.sleep(50);
                body = get(h1, "http");
            }
            assertThat(body).contains("/echo/gen3/x");

            Files.writeString(file, yaml(4, "").replace("rewriteTo:", "rewriteTO:"));
            var failures = server.registry().counter("portcullis.config.reloads", "result", "failure");
            for (int i = 0; i < 200 && failures.count() < 1; i++) {
                Thread.sleep(50);
            }
            assertThat(failures.count()).isEqualTo(1);
            assertThat(get(h1, "http")).contains("/echo/gen3/x");

            watcher.reloadSoon("test"); // SIGHUP's path: same file, still invalid, still gen3
            for (int i = 0; i < 200 && failures.count() < 2; i++) {
                Thread.sleep(50);
            }
            assertThat(failures.count()).isEqualTo(2);
            assertThat(get(h1, "http")).contains("/echo/gen3/x");
        }
    }
}
