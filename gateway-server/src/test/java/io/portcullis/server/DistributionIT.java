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

    /**
     * The shipped unit as systemd itself reads it: {@code systemd-analyze verify} in a root holding the
     * unpacked distribution at the unit's paths reports nothing, and its offline security review rates
     * the hardening "OK" (exposure at most 2.5 of 10). No systemd runs here, so the service is not started
     * by systemd; {@link #privilegeModel_ofTheUnit_bindsAPrivilegedPortAsAnUnprivilegedUser} runs its
     * privilege model instead.
     */
    @Test
    void systemdUnit_verifiesCleanly_andItsHardeningRatesOk() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(analyze),
                "systemd-analyze is not installed (Debian package systemd); .ci/run installs it");
        Path root = dir.resolve("sysroot");
        Files.createDirectories(root.resolve("opt"));
        Files.createDirectories(root.resolve("etc/systemd/system"));
        // a copy, not a link: systemd resolves paths inside the root
        assertThat(new ProcessBuilder("cp", "-r", home.toString(), root.resolve("opt/portcullis").toString())
                .start().waitFor()).isZero();
        Files.copy(home.resolve("systemd/portcullis.service"), root.resolve("etc/systemd/system/portcullis.service"));
        // the targets it is ordered against, and /bin/kill of ExecReload, as on a real host
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        assertThat(new ProcessBuilder("cp", "-r", "/lib/systemd/system", root.resolve("usr/lib/systemd").toString())
                .start().waitFor()).isZero();
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"));

        Process verify = new ProcessBuilder(analyze.toString(), "verify", "--root=" + root,
                "/etc/systemd/system/portcullis.service").redirectErrorStream(true).start();
        String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor()).as(out).isZero();
        assertThat(out).as("systemd-analyze verify reports nothing").isBlank();

        Process security = new ProcessBuilder(analyze.toString(), "security", "--offline=yes", "--no-pager",
                root.resolve("etc/systemd/system/portcullis.service").toString()).redirectErrorStream(true).start();
        String review = new String(security.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        security.waitFor();
        var m = java.util.regex.Pattern.compile("Overall exposure level for portcullis.service: ([0-9.]+)").matcher(review);
        assertThat(m.find()).as(review).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as(review).isLessThanOrEqualTo(2.5);
    }

    /**
     * What the unit grants (User=portcullis, AmbientCapabilities and CapabilityBoundingSet =
     * CAP_NET_BIND_SERVICE, NoNewPrivileges) is enough to bind a port below 1024 without root, and
     * without that capability the same start fails with exit code 1 and a message naming the port.
     */
    @Test
    void privilegeModel_ofTheUnit_bindsAPrivilegedPortAsAnUnprivilegedUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv (util-linux) to switch user");
        int port = freePrivilegedPort();
        Path work = dir.resolve("unprivileged");
        Files.createDirectories(work.resolve("logs"));
        Path config = work.resolve("portcullis.yaml");
        Files.writeString(config, """
                listeners: [{name: web, host: 127.0.0.1, port: %d, mode: http}]
                routes: [{path: /, upstream: "%s", rewrite: replace-prefix, rewriteTo: /echo/unprivileged}]
                admin: {enabled: false}
                """.formatted(port, app.url()));
        // the unpacked tree is the test's own (0700 temp dirs): let the unprivileged user read it and write its logs
        assertThat(new ProcessBuilder("chmod", "-R", "a+rX", dir.toString()).start().waitFor()).isZero();
        assertThat(new ProcessBuilder("chown", "-R", "65534:65534", work.toString()).start().waitFor()).isZero();

        Result without = asNobody(work, config, false);
        assertThat(without.code()).as(without.out()).isNotZero();
        assertThat(without.out()).contains("cannot bind 127.0.0.1:" + port).doesNotContain("\tat ");

        ProcessBuilder pb = asNobodyCommand(work, config, true);
        Process p = pb.redirectErrorStream(true).redirectOutput(work.resolve("run.log").toFile()).start();
        try {
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String body = null;
            for (int i = 0; i < 600 && body == null && p.isAlive(); i++) {
                try {
                    body = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(body).as(Files.readString(work.resolve("run.log"))).contains("/echo/unprivileged/x");
            Process ps = new ProcessBuilder("ps", "-o", "user=", "-p", String.valueOf(javaChildOf(p))).start();
            assertThat(new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("nobody");
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Result asNobody(Path work, Path config, boolean capability) throws Exception {
        Process p = asNobodyCommand(work, config, capability).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static ProcessBuilder asNobodyCommand(Path work, Path config, boolean capability) {
        String caps = capability ? "-all,+net_bind_service" : "-all";
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=" + caps, "--ambient-caps=" + caps, "--bounding-set=" + caps, "--no-new-privs",
                home.resolve("bin/portcullis").toString(), "run", "--config", config.toString(), "--watch-interval", "0s")
                .directory(work.toFile());
        pb.environment().put("PORTCULLIS_DATA", work.resolve("data").toString());
        pb.environment().put("PORTCULLIS_LOG_DIR", work.resolve("logs").toString());
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        pb.environment().put("HOME", work.toString());
        return pb;
    }

    /** bin/portcullis execs java, so the process is the JVM itself; else its child. */
    private static long javaChildOf(Process p) {
        return p.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(p.pid());
    }

    private static int freePrivilegedPort() throws IOException {
        for (int port = 900; port < 1024; port++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port in 900-1023");
    }
}
