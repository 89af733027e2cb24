package io.portcullis.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestCertificates.Authority;
import io.portcullis.testing.TestCertificates.Issued;
import io.portcullis.testing.TestCertificates.KeyFormat;
import io.portcullis.testing.TestCertificates.KeyType;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerTlsContextsTest {
    private static Authority ca;
    private static Issued defaultCert;
    private static Issued apiCert;
    private static Issued wildcardCert;

    /** default, api and wildcard certificates, shared by the read-only mapping tests (building contexts costs). */
    private static ServerTlsContexts shared;

    @TempDir
    static Path sharedDir;
    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        ca = TestCertificates.ca("ServerTlsContexts Test CA");
        defaultCert = ca.issue(KeyType.EC, "default.example.com");
        apiCert = ca.issue(KeyType.EC, "api.example.com");
        wildcardCert = ca.issue(KeyType.EC, "*.b.example.com");
        shared = ServerTlsContexts.create(TlsConfig.of(
                certIn(sharedDir, defaultCert, "d"), certIn(sharedDir, apiCert, "api"), certIn(sharedDir, wildcardCert, "w")),
                "shared");
    }

    @AfterAll
    static void closeShared() {
        shared.close();
    }

    // ---- SNI mapping ----------------------------------------------------------------------

    @Test
    void mapping_exactName_selectsItsCertificate() {
        assertThat(leafOf(shared, "api.example.com")).isEqualTo(serial(apiCert));
        assertThat(leafOf(shared, "default.example.com")).isEqualTo(serial(defaultCert));
    }

    @Test
    void mapping_wildcard_matchesExactlyOneLabel() {
        assertThat(leafOf(shared, "x.b.example.com")).isEqualTo(serial(wildcardCert));
        assertThat(leafOf(shared, "y.x.b.example.com")).isEqualTo(serial(defaultCert));
        assertThat(leafOf(shared, "b.example.com")).isEqualTo(serial(defaultCert));
        assertThat(leafOf(shared, ".b.example.com")).isEqualTo(serial(defaultCert));
        assertThat(leafOf(shared, "x.b.example.com.evil.org")).isEqualTo(serial(defaultCert));
    }

    @Test
    void mapping_unknownNullOrEmptyName_returnsFirstCertificate() {
        SslContext first = shared.defaultContext();
        assertThat(shared.mapping().map(null)).isSameAs(first);
        assertThat(shared.mapping().map("")).isSameAs(first);
        assertThat(shared.mapping().map("unknown.example.org")).isSameAs(first);
        assertThat(shared.mapping().map("api.example.com")).isNotSameAs(first);
        assertThat(shared.leafOf(first)).isEqualTo(defaultCert.certificate());
    }

    @Test
    void mapping_upperCaseName_isMatchedCaseInsensitively() {
        assertThat(leafOf(shared, "API.Example.COM")).isEqualTo(serial(apiCert));
        assertThat(leafOf(shared, "X.B.EXAMPLE.COM")).isEqualTo(serial(wildcardCert));
        assertThat(leafOf(shared, "api.example.com.")).isEqualTo(serial(apiCert));
    }

    @Test
    void mapping_exactName_winsOverEarlierWildcard() {
        Issued star = ca.issue(KeyType.EC, "*.example.com");
        try (ServerTlsContexts contexts = create(cert(star, "star"), cert(apiCert, "api"))) {
            assertThat(leafOf(contexts, "api.example.com")).isEqualTo(serial(apiCert));
            assertThat(leafOf(contexts, "www.example.com")).isEqualTo(serial(star));
        }
    }

    @Test
    void mapping_configuredServerNames_replaceTheCertificateNames() {
        CertificateConfig api = new CertificateConfig(apiCert.writeChain(dir, "api"),
                apiCert.writeKey(dir, "api", KeyFormat.PKCS8), List.of("other.example.net", "*.apps.example.net"));
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"), api)) {
            assertThat(leafOf(contexts, "other.example.net")).isEqualTo(serial(apiCert));
            assertThat(leafOf(contexts, "x.apps.example.net")).isEqualTo(serial(apiCert));
            assertThat(leafOf(contexts, "api.example.com")).isEqualTo(serial(defaultCert));
        }
    }

    @Test
    void namesOf_certificateWithoutSan_usesCommonName() {
        Issued legacy = ca.issueCommonNameOnly(KeyType.EC, "Legacy.Example.com");

        assertThat(ServerTlsContexts.namesOf(legacy.certificate())).containsExactly("legacy.example.com");
        assertThat(ServerTlsContexts.namesOf(wildcardCert.certificate())).containsExactly("*.b.example.com");
    }

    // ---- create() errors ------------------------------------------------------------------

    @Test
    void create_missingKeyFile_failsWithFieldPath() {
        CertificateConfig broken = new CertificateConfig(apiCert.writeChain(dir, "api"), dir.resolve("missing.key"), null);

        assertThatThrownBy(() -> create(cert(defaultCert, "d"), broken))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("certificates[1].privateKey");
                    assertThat(e.problem()).isEqualTo(dir.resolve("missing.key") + ": file not found");
                });
    }

    @Test
    void create_keyOfAnotherCertificate_failsWithFieldPath() {
        CertificateConfig mixed = new CertificateConfig(apiCert.writeChain(dir, "api"),
                defaultCert.writeKey(dir, "d", KeyFormat.SEC1), null);

        assertThatThrownBy(() -> create(mixed))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("certificates[0].privateKey");
                    assertThat(e.problem()).contains("private key does not match certificate")
                            .contains(dir.resolve("api.crt").toString());
                });
    }

    @Test
    void create_chainFileIsNotPem_failsWithFieldPath() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.crt"), "hello");
        CertificateConfig bad = new CertificateConfig(junk, apiCert.writeKey(dir, "api", KeyFormat.PKCS8), null);

        assertThatThrownBy(() -> create(cert(defaultCert, "d"), bad))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("certificates[1].certificateChain");
                    assertThat(e.problem()).contains(junk.toString()).contains("not a PEM file");
                });
    }

    @Test
    void create_chainPathIsADirectory_failsWithFieldPath() {
        CertificateConfig bad = new CertificateConfig(dir, apiCert.writeKey(dir, "api", KeyFormat.PKCS8), null);

        assertThatThrownBy(() -> create(bad))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("certificates[0].certificateChain");
                    assertThat(e.problem()).contains("not a regular file");
                });
    }

    // ---- reload ---------------------------------------------------------------------------

    @Test
    void reloadIfChanged_nothingChanged_returnsFalse() {
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"))) {
            assertThat(contexts.reloadIfChanged()).isFalse();
            assertThat(contexts.reloadCount()).isZero();
        }
    }

    @Test
    void reloadIfChanged_replacedFiles_servesNewCertificate() {
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"))) {
            SslContext before = contexts.mapping().map("default.example.com");
            Issued renewed = ca.issue(KeyType.EC, "default.example.com");
            renewed.writeChain(dir, "d");
            renewed.writeKey(dir, "d", KeyFormat.PKCS8);

            assertThat(contexts.reloadIfChanged()).isTrue();

            assertThat(contexts.currentLeafCertificates()).containsExactly(renewed.certificate());
            assertThat(leafOf(contexts, "default.example.com")).isEqualTo(serial(renewed));
            assertThat(contexts.mapping().map("default.example.com")).isNotSameAs(before);
            assertThat(contexts.reloadCount()).isEqualTo(1);
            assertThat(contexts.reloadIfChanged()).isFalse();
        }
    }

    @Test
    void reloadIfChanged_newChainWithOldKey_keepsOldCertificateUntilKeyArrives() {
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"))) {
            Issued renewed = ca.issue(KeyType.EC, "default.example.com");
            renewed.writeChain(dir, "d");

            assertThat(contexts.reloadIfChanged()).isFalse();
            assertThat(contexts.currentLeafCertificates()).containsExactly(defaultCert.certificate());
            assertThat(contexts.reloadIfChanged()).as("no retry until a file changes").isFalse();

            renewed.writeKey(dir, "d", KeyFormat.PKCS8);
            assertThat(contexts.reloadIfChanged()).isTrue();
            assertThat(contexts.currentLeafCertificates()).containsExactly(renewed.certificate());
        }
    }

    @Test
    void reloadIfChanged_garbageOrMissingFile_keepsOldCertificate() throws Exception {
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"))) {
            Path chain = dir.resolve("d.crt");
            TestCertificates.writeAtomically(chain, "-----BEGIN CERTIFICATE-----\nAAAA\n");
            assertThat(contexts.reloadIfChanged()).isFalse();

            Files.delete(chain);
            assertThat(contexts.reloadIfChanged()).isFalse();

            assertThat(contexts.currentLeafCertificates()).containsExactly(defaultCert.certificate());
            assertThat(contexts.reloadCount()).isZero();
            defaultCert.writeChain(dir, "d");
            assertThat(contexts.reloadIfChanged()).as("repaired file is loaded").isTrue();
            assertThat(contexts.currentLeafCertificates()).containsExactly(defaultCert.certificate());
        }
    }

    @Test
    void reloadIfChanged_sameContentNewTimestamp_doesNotReload() throws Exception {
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"))) {
            Files.setLastModifiedTime(dir.resolve("d.crt"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));

            assertThat(contexts.reloadIfChanged()).isFalse();
            assertThat(contexts.reloadCount()).isZero();
        }
    }

    @Test
    void reloadIfChanged_kubernetesStyleSymlinkSwap_isDetected() throws Exception {
        // a Secret volume: tls.crt -> ..data/tls.crt, ..data -> ..2024_v1; an update swaps ..data
        Path v1 = Files.createDirectory(dir.resolve("..v1"));
        defaultCert.writeChain(v1, "tls");
        defaultCert.writeKey(v1, "tls", KeyFormat.PKCS8);
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path chain = Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        Path key = Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data", "tls.key"));

        try (ServerTlsContexts contexts = create(new CertificateConfig(chain, key, null))) {
            Issued renewed = ca.issue(KeyType.EC, "default.example.com");
            Path v2 = Files.createDirectory(dir.resolve("..v2"));
            renewed.writeChain(v2, "tls");
            renewed.writeKey(v2, "tls", KeyFormat.PKCS8);
            Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

            assertThat(contexts.reloadIfChanged()).isTrue();
            assertThat(contexts.currentLeafCertificates()).containsExactly(renewed.certificate());
        }
    }

    @Test
    void startWatching_fileReplaced_reloadsOnSchedulerAndStopsOnClose() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            TlsConfig config = TlsConfig.builder().certificate(cert(defaultCert, "d"))
                    .reloadInterval(Duration.ofMillis(20)).build();
            ServerTlsContexts contexts = ServerTlsContexts.create(config, "watched");
            contexts.startWatching(scheduler);
            assertThatThrownBy(() -> contexts.startWatching(scheduler)).isInstanceOf(IllegalStateException.class);

            Issued renewed = ca.issue(KeyType.EC, "default.example.com");
            renewed.writeKey(dir, "d", KeyFormat.PKCS8);
            renewed.writeChain(dir, "d");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!contexts.currentLeafCertificates().contains(renewed.certificate()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(contexts.currentLeafCertificates()).containsExactly(renewed.certificate());

            contexts.close();
            Issued third = ca.issue(KeyType.EC, "default.example.com");
            third.writeKey(dir, "d", KeyFormat.PKCS8);
            third.writeChain(dir, "d");
            Thread.sleep(100);
            assertThat(contexts.currentLeafCertificates()).containsExactly(renewed.certificate());
        } finally {
            scheduler.shutdownNow();
        }
    }

    // ---- handshakes -----------------------------------------------------------------------

    @ParameterizedTest(name = "openSsl={0}")
    @ValueSource(booleans = {true, false})
    void handshake_sniAndAlpn_selectCertificateAndH2(boolean openSsl) throws Exception {
        assumeTrue(!openSsl || OpenSsl.isAvailable(), "BoringSSL not available");
        try (ServerTlsContexts contexts = create(openSsl, true, cert(defaultCert, "d"), cert(apiCert, "api"))) {
            assertThat(contexts.openSsl()).isEqualTo(openSsl);
            AtomicBoolean serverOrder = new AtomicBoolean();

            InMemoryHandshake.Result r = InMemoryHandshake.run(alpnClient(), "api.example.com", contexts.mapping(),
                    engine -> serverOrder.set(engine.getSSLParameters().getUseCipherSuitesOrder()));

            assertThat(r.succeeded()).as("handshake: %s / %s", r.clientFailure(), r.serverFailure()).isTrue();
            assertThat(r.sniHostname()).isEqualTo("api.example.com");
            assertThat(r.serverLeaf().getSerialNumber()).isEqualTo(serial(apiCert));
            assertThat(r.clientAlpn()).isEqualTo("h2");
            assertThat(r.protocol()).isEqualTo("TLSv1.3");
            assertThat(serverOrder).as("server cipher preference").isTrue();
        }
    }

    @ParameterizedTest(name = "openSsl={0}")
    @ValueSource(booleans = {true, false})
    void handshake_tls12Client_getsConfiguredSuiteAndDefaultCertWithoutSni(boolean openSsl) throws Exception {
        assumeTrue(!openSsl || OpenSsl.isAvailable(), "BoringSSL not available");
        try (ServerTlsContexts contexts = create(openSsl, true, cert(defaultCert, "d"), cert(apiCert, "api"))) {
            SslContext tls12 = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(ca.certificate()).endpointIdentificationAlgorithm(null)
                    .protocols("TLSv1.2").build();

            InMemoryHandshake.Result r = InMemoryHandshake.run(tls12, null, contexts.mapping());

            assertThat(r.succeeded()).as("handshake: %s / %s", r.clientFailure(), r.serverFailure()).isTrue();
            assertThat(r.sniHostname()).isNull();
            assertThat(r.serverLeaf().getSerialNumber()).isEqualTo(serial(defaultCert));
            assertThat(r.protocol()).isEqualTo("TLSv1.2");
            assertThat(TlsConfig.DEFAULT_CIPHER_SUITES).contains(r.cipherSuite());
        }
    }

    @ParameterizedTest(name = "sessionTickets={0}")
    @ValueSource(booleans = {true, false})
    void handshake_openSslTls13SecondConnection_resumesOnlyWithTickets(boolean sessionTickets) throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "BoringSSL not available");
        try (ServerTlsContexts contexts = create(true, sessionTickets, cert(defaultCert, "d"))) {
            SslContext client = alpnClient(); // the JDK client caches sessions per host and port
            AtomicInteger options = new AtomicInteger();
            AtomicBoolean resumed = new AtomicBoolean();

            InMemoryHandshake.Result first = InMemoryHandshake.run(client, "default.example.com", contexts.mapping(),
                    engine -> options.set(SSL.getOptions(((ReferenceCountedOpenSslEngine) engine).sslPointer())));
            InMemoryHandshake.Result second = InMemoryHandshake.run(client, "default.example.com", contexts.mapping(),
                    engine -> resumed.set(SSL.isSessionReused(((ReferenceCountedOpenSslEngine) engine).sslPointer())));

            assertThat(first.succeeded()).as("handshake: %s / %s", first.clientFailure(), first.serverFailure()).isTrue();
            assertThat(second.succeeded()).isTrue();
            assertThat(second.protocol()).isEqualTo("TLSv1.3");
            assertThat((options.get() & SSL.SSL_OP_NO_TICKET) == 0).as("tickets enabled on engine").isEqualTo(sessionTickets);
            assertThat(resumed.get()).as("second connection resumed").isEqualTo(sessionTickets);
        }
    }

    @Test
    void handshake_afterReload_newConnectionsGetNewCertificate() {
        try (ServerTlsContexts contexts = create(cert(defaultCert, "d"))) {
            Issued renewed = ca.issue(KeyType.RSA, "default.example.com");
            renewed.writeChain(dir, "d");
            renewed.writeKey(dir, "d", KeyFormat.PKCS1);
            assertThat(contexts.reloadIfChanged()).isTrue();

            InMemoryHandshake.Result r = InMemoryHandshake.run(alpnClient(), "default.example.com", contexts.mapping());

            assertThat(r.succeeded()).as("handshake: %s / %s", r.clientFailure(), r.serverFailure()).isTrue();
            assertThat(r.serverLeaf().getSerialNumber()).isEqualTo(serial(renewed));
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private CertificateConfig cert(Issued issued, String name) {
        return certIn(dir, issued, name);
    }

    private static CertificateConfig certIn(Path directory, Issued issued, String name) {
        return new CertificateConfig(issued.writeChain(directory, name),
                issued.writeKey(directory, name, KeyFormat.PKCS8), null);
    }

    private static ServerTlsContexts create(CertificateConfig... certificates) {
        return ServerTlsContexts.create(TlsConfig.of(certificates), "test");
    }

    private static ServerTlsContexts create(boolean openSsl, boolean sessionTickets, CertificateConfig... certificates) {
        TlsConfig config = TlsConfig.builder().certificates(List.of(certificates)).sessionTickets(sessionTickets).build();
        return ServerTlsContexts.create(config, "test", openSsl);
    }

    private static SslContext alpnClient() {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(ca.certificate())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                            "h2", "http/1.1"))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serial of the leaf certificate the mapping serves for {@code host}. */
    private static BigInteger leafOf(ServerTlsContexts contexts, String host) {
        X509Certificate leaf = contexts.leafOf(contexts.mapping().map(host));
        assertThat(leaf).as("context for %s is one of the current ones", host).isNotNull();
        return leaf.getSerialNumber();
    }

    private static BigInteger serial(Issued issued) {
        return issued.certificate().getSerialNumber();
    }
}
