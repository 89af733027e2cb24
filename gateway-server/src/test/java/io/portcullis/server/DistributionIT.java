package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged tar.gz, unpacked into a temporary directory and run through bin/portcullis as a user would. */
class DistributionIT {
    @TempDir
    static Path dir;
    static Path home;
    static TestUpstream app;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            tarball = s.filter(p -> p.getFileName().toString().matches("portcullis-.*\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString())
                .inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        try (Stream<Path> s = Files.list(dir)) {
            home = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        app = TestUpstream.start();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    record Result(int code, String out) {
    }

    static Result cli(String... args) throws Exception {
        Process p = command(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static ProcessBuilder command(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(home.resolve("bin/portcullis").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("PORTCULLIS_DATA", dir.resolve("data").toString());
        pb.environment().put("PORTCULLIS_LOG_DIR", dir.resolve("logs").toString());
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        return pb;
    }

    @Test
    void layout_isComplete() {
        for (String f : List.of("bin/portcullis", "lib/portcullis.jar", "conf/portcullis.yaml", "conf/logback.xml",
                "schema/portcullis.schema.json", "systemd/portcullis.service", "Dockerfile", "plugins/README.txt", "README.md")) {
            assertThat(home.resolve(f)).as(f).exists();
        }
        assertThat(home.resolve("bin/portcullis").toFile().canExecute()).isTrue();
    }

    @Test
    void version_andValidate_exitCodes() throws Exception {
        Result v = cli("version");
        assertThat(v.code()).as(v.out()).isZero();
        assertThat(v.out()).contains("portcullis 0.1.0").contains("BoringSSL");
        Result bad = cli("validate", home.resolve("conf/portcullis.yaml").toString()); // its certificates do not exist here
        assertThat(bad.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(bad.out()).contains("conf/portcullis.yaml:", "listeners[0].tls.certificates[0].certificateChain")
                .doesNotContain("Exception");
    }

    @Test
    void run_servesH2_writesTheAccessLog_reloadsOnSighup_andStopsCleanlyOnSigterm() throws Exception {
        TestTls tls = TestTls.shared();
        int https = FreePorts.pick();
        int admin = FreePorts.pick();
        Path config = dir.resolve("portcullis.yaml");
        String yaml = """
                listeners:
                  - name: https
                    host: 127.0.0.1
                    port: %d
                    tls: {certificates: [{certificateChain: %s, privateKey: %s}]}
                policies: [{type: security-headers}]
                routes:
                  - {path: /, upstream: "%s", rewrite: replace-prefix, rewriteTo: /echo/v1}
                admin: {port: %d}
                """.formatted(https, tls.chain, tls.key, app.url(), admin);
        Files.writeString(config, yaml);
        Path log = dir.resolve("run.log");
        ProcessBuilder run = command("run", "--config", config.toString(), "--watch-interval", "0s");
        run.environment().put("PORTCULLIS_LOG_FORMAT", "json"); // the one switch for JSON lines
        Process p = run.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI ready = URI.create("http://127.0.0.1:" + admin + "/ready");
            int status = 0;
            for (int i = 0; i < 600 && status != 200 && p.isAlive(); i++) {
                try {
                    status = plain.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).as(Files.readString(log)).isEqualTo(200);

            HttpClient h2 = tls.httpClient(HttpClient.Version.HTTP_2);
            URI page = URI.create("https://localhost:" + https + "/page");
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).contains("/echo/v1/page");
            assertThat(r.headers().firstValue("strict-transport-security")).isPresent();

            Path access = dir.resolve("logs/access.log");
            for (int i = 0; i < 100 && (!Files.exists(access) || !Files.readString(access).contains("path=/page")); i++) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(access)).contains("protocol=HTTP/2 method=GET", "path=/page status=200");

            Files.writeString(config, yaml.replace("/echo/v1", "/echo/v2"));
            assertThat(new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).start().waitFor()).isZero();
            String body = "";
            for (int i = 0; i < 200 && !body.contains("/echo/v2/"); i++) {
                Thread.sleep(50);
                body = h2.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(body).contains("/echo/v2/page");
        } finally {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Reloaded", "(SIGHUP)", "Stopped").doesNotContain("Exception");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : out.split("\n")) {
            var node = json.readTree(line); // every line is one JSON object
            assertThat(node.has("level") && node.has("formattedMessage")).as(line).isTrue();
        }
    }
}
