package io.portcullis.server.internal;

import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of {@code portcullis run} without {@code --config}: the bundled
 * {@code default.yaml}, with its development certificate made on first use and reused after.
 */
public final class EmbeddedDefault {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDefault.class);
    /** Development certificates live 90 days and are renewed when less than 7 are left. */
    static final Duration VALIDITY = Duration.ofDays(90);
    static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private EmbeddedDefault() {
    }

    /** The bundled YAML text. */
    public static String yaml() {
        try (InputStream in = EmbeddedDefault.class.getResourceAsStream("/io/portcullis/server/default.yaml")) {
            if (in == null) {
                throw new IllegalStateException("default.yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data directory: {@code $PORTCULLIS_DATA}, else {@code ./data}. */
    public static Path dataDir(Function<String, String> env) {
        String d = env.apply("PORTCULLIS_DATA");
        return Path.of(d == null || d.isEmpty() ? "data" : d).toAbsolutePath().normalize();
    }

    /** Makes (or reuses) the certificate, then loads the default configuration with {@code env}. */
    public static ServerConfig load(Function<String, String> env) {
        Path data = dataDir(env);
        Path cert = data.resolve("tls/self-signed.crt");
        Path key = data.resolve("tls/self-signed.key");
        ensureCertificate(cert, key);
        Path cwd = Path.of("").toAbsolutePath();
        return new ConfigLoader(env).load(yaml(), "<embedded default>", null, cwd);
    }

    /** Reuses a valid certificate with more than {@link #RENEW_BEFORE} left, else writes a new one. */
    static void ensureCertificate(Path cert, Path key) {
        X509Certificate existing = Files.exists(key) ? SelfSignedCertificate.read(cert) : null;
        if (existing != null) {
            try {
                existing.checkValidity(Date.from(Instant.now().plus(RENEW_BEFORE)));
                LOG.info("Using the development certificate {} (SHA-256 {})", cert, SelfSignedCertificate.fingerprint(existing));
                return;
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                LOG.info("The development certificate {} expires soon or has expired: making a new one", cert);
            }
        }
        SelfSignedCertificate.write(cert, key, List.of("localhost", "127.0.0.1", "::1"), VALIDITY);
        LOG.info("Made a development certificate {} (ECDSA P-256, self-signed, {} days)", cert, VALIDITY.toDays());
    }

    /** What to open and how to trust the certificate, once the listeners are bound. */
    public static String banner(Map<String, InetSocketAddress> bound, Path cert, int adminPort) {
        int https = bound.containsKey("https") ? bound.get("https").getPort() : 8443;
        int http = bound.containsKey("http") ? bound.get("http").getPort() : 8080;
        X509Certificate c = SelfSignedCertificate.read(cert);
        String fp = c == null ? "?" : SelfSignedCertificate.fingerprint(c);
        return String.join(System.lineSeparator(),
                "",
                "  Portcullis is running on its embedded default.",
                "    Open          https://localhost:" + https + "/   (http://localhost:" + http + "/ redirects there)",
                "    Upstream      every path goes to the reference app; it answers 502 until the app runs",
                "    Admin         http://127.0.0.1:" + adminPort + "/health  /ready  /metrics  /config",
                "    Certificate   " + cert + " (self-signed, SHA-256 " + fp + ")",
                "    Trust it      curl --cacert " + cert + " https://localhost:" + https + "/",
                "                  or import it into your browser/OS trust store for development only",
                "    Configure     portcullis run --config portcullis.yaml   (see conf/portcullis.yaml)",
                "");
    }
}
