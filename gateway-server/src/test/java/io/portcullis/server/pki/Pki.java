package io.portcullis.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.gateway.internal.tls.PemFiles;
import io.portcullis.server.internal.cli.PortcullisCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Runs {@code portcullis pki ...} in-process and {@code openssl verify} as a process, for the PKI tests. */
final class Pki {
    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    record Run(int code, String out, String err) {
    }

    private Pki() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PortcullisCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs the command and insists it succeeded. */
    static Run ok(String... args) {
        Run r = run(args);
        assertThat(r.code()).as("portcullis %s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    static X509Certificate cert(Path pem) {
        return PemFiles.readCertificates(pem).get(0);
    }

    /**
     * {@code openssl verify ARGS...}: the exit code and output. openssl comes with every Debian
     * image CI uses (.ci/run installs it if not); only a machine without it skips, and CI fails on skips.
     */
    static OpenSsl openssl(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed at " + OPENSSL + " (CI installs it)");
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString(), "verify"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new OpenSsl(p.exitValue(), out);
    }

    record OpenSsl(int code, String output) {
    }

    /** A client TLS context presenting {@code chain}/{@code key} (if not null) and trusting {@code trustPem}. */
    static SSLContext tls(Path chain, Path key, Path trustPem) throws Exception {
        KeyManagerFactory kmf = null;
        if (chain != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", PemFiles.readPrivateKey(key), new char[0],
                    PemFiles.readCertificates(chain).toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate c : PemFiles.readCertificates(trustPem)) {
            trust.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
