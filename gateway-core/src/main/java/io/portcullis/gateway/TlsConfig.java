package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * TLS termination for one listener. The first certificate is the default, served when the client
 * sends no SNI name or one that no certificate matches.
 *
 * @param certificates   one or more certificates, selected by SNI (exact names before wildcards)
 * @param protocols      TLS versions; only {@code TLSv1.3} and {@code TLSv1.2} are allowed
 * @param cipherSuites   TLS 1.2 suites (IANA names); only AEAD suites with forward secrecy are allowed.
 *                       TLS 1.3 suites are always the three standard AEAD suites.
 * @param sessionTickets whether stateless session resumption is offered
 * @param reloadInterval how often certificate files are checked for changes
 * @param clientAuth     mutual TLS: {@link ClientAuth#NONE} (default), {@link ClientAuth#OPTIONAL} (a client
 *                       certificate is asked for and verified if sent; routes can then require one with the
 *                       {@code client-cert} policy) or {@link ClientAuth#REQUIRE} (no handshake without one)
 * @param clientCa       PEM bundle of the CAs client certificates must chain to; required with client auth
 */
public record TlsConfig(
        List<CertificateConfig> certificates,
        List<String> protocols,
        List<String> cipherSuites,
        boolean sessionTickets,
        Duration reloadInterval,
        ClientAuth clientAuth,
        Path clientCa) {

    /** Whether the listener asks clients for a certificate. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

    /** Without client certificates. */
    public TlsConfig(List<CertificateConfig> certificates, List<String> protocols, List<String> cipherSuites,
                     boolean sessionTickets, Duration reloadInterval) {
        this(certificates, protocols, cipherSuites, sessionTickets, reloadInterval, ClientAuth.NONE, null);
    }

    /** TLS 1.3 first, then TLS 1.2. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** ECDHE with AES-GCM or ChaCha20-Poly1305, ECDSA and RSA, strongest first (Mozilla "intermediate" for TLS 1.2). */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The TLS 1.3 suites, always enabled when TLS 1.3 is. */
    public static final List<String> TLS13_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    public TlsConfig {
        certificates = List.copyOf(ConfigException.required(certificates, "certificates", "at least one certificate"));
        check(!certificates.isEmpty(), "certificates", "empty (expected: at least one certificate)");
        protocols = List.copyOf(protocols == null ? DEFAULT_PROTOCOLS : protocols);
        check(!protocols.isEmpty(), "protocols", "empty (expected: TLSv1.3 and/or TLSv1.2)");
        for (int i = 0; i < protocols.size(); i++) {
            String p = protocols.get(i);
            check(ALLOWED_PROTOCOLS.contains(p), "protocols[" + i + "]",
                    "'" + p + "' is not allowed (expected: TLSv1.3 or TLSv1.2; older versions are insecure)");
        }
        cipherSuites = List.copyOf(cipherSuites == null ? DEFAULT_CIPHER_SUITES : cipherSuites);
        check(!cipherSuites.isEmpty() || !protocols.contains("TLSv1.2"), "cipherSuites",
                "empty (expected: at least one TLS 1.2 suite while TLSv1.2 is enabled)");
        for (int i = 0; i < cipherSuites.size(); i++) {
            String c = cipherSuites.get(i);
            check(isForwardSecretAead(c), "cipherSuites[" + i + "]",
                    "'" + c + "' is not allowed (expected: an ECDHE/DHE suite with GCM or CHACHA20_POLY1305)");
        }
        reloadInterval = reloadInterval == null ? Duration.ofSeconds(2) : reloadInterval;
        check(reloadInterval.toMillis() >= 10, "reloadInterval", reloadInterval + " (expected: >= 10ms)");
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
        check(clientAuth == ClientAuth.NONE || clientCa != null, "clientCa",
                "missing (expected: a PEM bundle of the CAs that issue client certificates, for clientAuth " + clientAuth + ")");
    }

    static boolean isForwardSecretAead(String suite) {
        Objects.requireNonNull(suite, "suite");
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.endsWith("_GCM_SHA256") || suite.endsWith("_GCM_SHA384")
                || suite.endsWith("_CHACHA20_POLY1305_SHA256");
        return forwardSecret && aead;
    }

    /** TLS with these certificates and secure defaults. */
    public static TlsConfig of(CertificateConfig... certificates) {
        return builder().certificates(List.of(certificates)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TlsConfig}; protocols and suites default to the secure lists above. */
    public static final class Builder {
        private final List<CertificateConfig> certificates = new ArrayList<>();
        private List<String> protocols;
        private List<String> cipherSuites;
        private boolean sessionTickets = true;
        private Duration reloadInterval;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Path clientCa;

        public Builder certificate(CertificateConfig c) { certificates.add(c); return this; }
        public Builder certificates(List<CertificateConfig> c) { certificates.addAll(c); return this; }
        public Builder protocols(List<String> v) { protocols = v; return this; }
        public Builder cipherSuites(List<String> v) { cipherSuites = v; return this; }
        public Builder sessionTickets(boolean v) { sessionTickets = v; return this; }
        public Builder reloadInterval(Duration v) { reloadInterval = v; return this; }
        /** Mutual TLS: ask for ({@code OPTIONAL}) or insist on ({@code REQUIRE}) a client certificate from {@code ca}. */
        public Builder clientAuth(ClientAuth mode, Path ca) { clientAuth = mode; clientCa = ca; return this; }

        public TlsConfig build() {
            return new TlsConfig(certificates, protocols, cipherSuites, sessionTickets, reloadInterval, clientAuth, clientCa);
        }
    }
}
