package io.portcullis.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.auth.ApiKeys;
import io.portcullis.server.ExitCodes;
import io.portcullis.server.internal.cli.PortcullisCommand;
import io.portcullis.testing.TestTls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands in-process: exit codes and what they print. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PortcullisCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void version_andHelp() {
        Run v = run("version");
        assertThat(v.code()).isEqualTo(ExitCodes.OK);
        assertThat(v.out()).contains("portcullis ").contains("java 17").contains("netty 4.2");
        Run h = run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("run", "validate", "hash-key", "hash-password", "cert", "pki", "Exit codes:", "3   invalid configuration");
        assertThat(run("validate", "--help").out()).contains("Usage: portcullis validate");
    }

    @Test
    void wrongCommandLine_isUsageError() {
        Run r = run("frobnicate");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Unmatched argument");
        assertThat(run("validate").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("run", "--config", "x.yaml", "--https-port", "1").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void validate_goodFile_isZero_badFile_isThree_withPosition() throws Exception {
        TestTls tls = TestTls.shared();
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, """
                listeners:
                  - port: 0
                    tls: {certificates: [{certificateChain: %s, privateKey: %s}]}
                routes:
                  - {path: /, upstream: "http://127.0.0.1:9"}
                """.formatted(tls.chain, tls.key));
        Run ok = run("validate", good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("valid (1 listener(s), 1 route(s)");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "listeners:\n  - port: 0\n    mode: http\n    hosts: 0.0.0.0\n");
        Run no = run("validate", bad.toString());
        assertThat(no.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(no.err()).startsWith(bad + ":4:5: listeners[0].hosts: unknown key (did you mean 'host'?)")
                .doesNotContain("Exception").doesNotContain("\tat ");

        Run missing = run("validate", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(missing.err()).contains("nope.yaml: no such file");
    }

    @Test
    void hashKey_argon2_andHmacWithPepper() throws Exception {
        Run a = run("hash-key", "--id", "ops", "--owner", "ops-team");
        assertThat(a.code()).isZero();
        Matcher key = Pattern.compile("\\n  (ops\\.[A-Za-z0-9_-]{43})\\n").matcher(a.out());
        assertThat(key.find()).as(a.out()).isTrue();
        assertThat(a.out()).contains("- id: ops", "owner: ops-team", "hash: \"$argon2id$v=19$m=19456,t=2,p=1$");

        Path pepper = dir.resolve("pepper");
        Files.writeString(pepper, "pepper-pepper-pepper\n");
        Run h = run("hash-key", "--id", "svc", "--pepper-file", pepper.toString());
        Matcher k2 = Pattern.compile("\\n  (svc\\.[A-Za-z0-9_-]{43})\\n").matcher(h.out());
        assertThat(k2.find()).isTrue();
        String expected = ApiKeys.hmacHash(k2.group(1), "pepper-pepper-pepper".getBytes(StandardCharsets.UTF_8));
        assertThat(h.out()).contains("hash: \"" + expected + "\"");

        assertThat(run("hash-key", "--id", "bad id").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void hashPassword_fromStdin() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("correct horse\n".getBytes(StandardCharsets.UTF_8)));
            Run r = run("hash-password", "--stdin");
            assertThat(r.code()).isZero();
            assertThat(r.out().trim()).startsWith("$argon2id$v=19$").doesNotContain("correct horse");
            System.setIn(new ByteArrayInputStream(new byte[0]));
            assertThat(run("hash-password", "--stdin").code()).isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void certSelfSigned_writesAnEcCertificate_andRefusesToOverwrite() throws Exception {
        Path crt = dir.resolve("dev.crt");
        Path key = dir.resolve("dev.key");
        Run r = run("cert", "self-signed", "--cert", crt.toString(), "--key", key.toString(), "--name", "dev.test,10.1.2.3",
                "--days", "30");
        assertThat(r.code()).as(r.err()).isZero();
        X509Certificate c;
        try (var in = Files.newInputStream(crt)) {
            c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(c.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList()).containsExactly("dev.test", "10.1.2.3");
        c.verify(c.getPublicKey());
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        Run again = run("cert", "self-signed", "--cert", crt.toString(), "--key", key.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("exists (use --force to overwrite)");
        assertThat(run("cert", "self-signed", "--cert", crt.toString(), "--key", key.toString(), "--force").code()).isZero();
        assertThat(run("cert", "self-signed", "--days", "0").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("cert").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void run_withAnInvalidFile_isThree_andWithAPortInUse_isOne() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "listeners: [{port: 0, mode: http}]\ntimeouts: {idle: soon}\n");
        Run invalid = run("run", "--config", bad.toString());
        assertThat(invalid.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(invalid.err()).contains("bad.yaml:2:18: timeouts.idle: 'soon'");

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path busy = dir.resolve("busy.yaml");
            Files.writeString(busy, "listeners: [{host: 127.0.0.1, port: " + taken.getLocalPort()
                    + ", mode: http}]\nadmin: {enabled: false}\n");
            Run r = run("run", "--config", busy.toString());
            assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
            assertThat(r.err()).startsWith("portcullis: listener 'http-" + taken.getLocalPort() + "' cannot bind 127.0.0.1:")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void schema_printsJson() {
        Run r = run("schema");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"$schema\" : \"https://json-schema.org/draft/2020-12/schema\"");
    }
}
