package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.gateway.acme.Pebble;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.internal.ConfigRenderer;
import io.portcullis.testing.TlsProbe;
import io.portcullis.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server with {@code tls.acme} in its YAML against pebble: the placeholder first,
 * then the certificate pebble issued over http-01 (answered by the YAML's redirect listener) served
 * to a real TLS client; {@code /ready} reports the ACME state and {@code /config} hides the EAB key.
 */
class AcmeServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Pebble pebble;
    TestUpstream app;
    PortcullisServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    void yamlAcmeListenerGetsItsCertificateOverHttp01() throws Exception {
        int httpPort = Pebble.freePort();
        pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")), httpPort);
        app = TestUpstream.start();
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                listeners:
                  - name: https
                    host: 127.0.0.1
                    port: 0
                    tls:
                      reloadInterval: 100ms
                      acme:
                        directory: "%s"
                        domains: [gw.test, www.gw.test]
                        email: ops@gw.test
                        agreeToTerms: true
                        storage: acme
                        directoryCa: "%s"
                  - {name: http, host: 127.0.0.1, port: %d, httpsPort: 443}
                routes:
                  - {path: /, upstream: "%s"}
                admin: {port: 0}
                """.formatted(pebble.directory(), pebble.caPem, httpPort, app.url()));
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        server = PortcullisServer.start(loader.load(file), loader);
        int port = server.addresses().get("https").getPort();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode acme;
        do {
            acme = ready().path("acme").path("https");
            if (acme.path("issued").asBoolean()) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(acme.path("issued").asBoolean()).as("/ready: %s", acme).isTrue();
        assertThat(acme.path("lastError").isNull()).isTrue();
        assertThat(acme.path("nextAttempt").asText()).isNotEmpty();
        assertThat(acme.path("domains").toString()).isEqualTo("[\"gw.test\",\"www.gw.test\"]");
        assertThat(Files.exists(dir.resolve("acme/gw.test/key.pem"))).as("storage relative to the YAML file").isTrue();

        X509Certificate[] served = null;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            served = servedChain(port, "www.gw.test");
            if (served[0].getIssuerX500Principal().getName().contains("Pebble")) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(pebble.issuingRoot(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(Arrays.asList(served)), params);
        assertThat(served[0].getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .containsExactlyInAnyOrder("gw.test", "www.gw.test");
    }

    @Test
    void configShowsAcmeSettingsWithoutTheEabKeyOrRedisPassword() throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                listeners:
                  - name: https
                    port: 443
                    tls:
                      acme:
                        directory: lets-encrypt-staging
                        domains: [eab.test]
                        agreeToTerms: true
                        storage: acme
                        eab: {keyId: kid-1, hmacKey: c2VjcmV0LWhtYWMta2V5LWZvci1lYWI}
                        redis: {uri: "redis://:redis-password-1@10.1.2.3:6379/2", keyPrefix: "fleet-a:"}
                """);
        // bound and rendered only: a started server would call the real CA
        Map<String, Object> rendered = ConfigRenderer.render(new ConfigLoader(Map.<String, String>of()::get).load(file));
        String json = JSON.writeValueAsString(rendered);
        assertThat(json).doesNotContain("c2VjcmV0LWhtYWMta2V5LWZvci1lYWI").doesNotContain("redis-password-1");
        JsonNode acme = JSON.readTree(json).path("listeners").path(0).path("tls").path("acme");
        assertThat(acme.path("eab").path("keyId").asText()).isEqualTo("kid-1");
        assertThat(acme.path("eab").path("hmacKey").asText()).isEqualTo("<redacted>");
        assertThat(acme.path("directory").asText()).isEqualTo("https://acme-staging-v02.api.letsencrypt.org/directory");
        assertThat(acme.path("storage").asText()).isEqualTo(dir.resolve("acme").toString());
        assertThat(acme.path("redis").path("uri").asText()).isEqualTo("redis://<redacted>@10.1.2.3:6379/2");
        assertThat(acme.path("redis").path("keyPrefix").asText()).isEqualTo("fleet-a:");
    }

    @Test
    void unreachableSharedRedisIsAConfigErrorAtItsUri() throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                listeners:
                  - name: https
                    host: 127.0.0.1
                    port: 0
                    tls:
                      acme:
                        directory: https://127.0.0.1:1/dir
                        domains: [fleet.test]
                        agreeToTerms: true
                        storage: acme
                        redis: {uri: "redis://127.0.0.1:%d"}
                admin: {enabled: false}
                """.formatted(Pebble.freePort()));
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        var config = loader.load(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server = PortcullisServer.start(config, loader))
                .isInstanceOfSatisfying(io.portcullis.server.config.ConfigError.class, e -> {
                    assertThat(e.path()).isEqualTo("listeners[0].tls.acme.redis.uri");
                    assertThat(e.line()).isEqualTo(11);
                    assertThat(e.problem()).startsWith("cannot connect to Redis redis://127.0.0.1:");
                });
    }

    private JsonNode ready() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(res.body());
    }

    /** The chain a real TLS handshake with SNI {@code host} gets (trusting anything: the test validates it itself). */
    private static X509Certificate[] servedChain(int port, String host) throws Exception {
        try (TlsProbe probe = TlsProbe.open(port, host)) {
            return probe.chain();
        }
    }
}
