package io.portcullis.client;

import io.portcullis.client.internal.Pem;
import io.portcullis.client.internal.PinningTrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for the client: which servers to trust (the JDK's CAs, or a PEM bundle such as the gateway's
 * dev CA), a client certificate for mutual TLS, and optional public-key pins. Host names are always
 * verified. Immutable; {@link #sslContext()} builds a fresh context.
 *
 * <pre>{@code
 * TlsSettings.builder()
 *     .trustPem(Path.of("ca.pem"))                          // instead of the JDK's CAs
 *     .clientCertificate(Path.of("svc.crt"), Path.of("svc.key"))
 *     .pinSha256("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=")
 *     .build();
 * }</pre>
 */
public final class TlsSettings {
    private final List<X509Certificate> trusted;
    private final boolean alsoSystemTrust;
    private final List<X509Certificate> clientChain;
    private final PrivateKey clientKey;
    private final Set<String> pins;

    private TlsSettings(Builder b) {
        this.trusted = List.copyOf(b.trusted);
        this.alsoSystemTrust = b.alsoSystemTrust;
        this.clientChain = List.copyOf(b.clientChain);
        this.clientKey = b.clientKey;
        this.pins = Set.copyOf(b.pins);
    }

    /** The JDK's default trust, no client certificate, no pins. */
    public static TlsSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A new SSLContext for these settings. */
    public SSLContext sslContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trusted.isEmpty()) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int n = 0;
                for (X509Certificate c : trusted) {
                    ks.setCertificateEntry("trusted-" + n++, c);
                }
                if (alsoSystemTrust) {
                    TrustManagerFactory sys = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    sys.init((KeyStore) null);
                    for (X509Certificate c : x509(sys.getTrustManagers()).getAcceptedIssuers()) {
                        ks.setCertificateEntry("system-" + n++, c);
                    }
                }
                tmf.init(ks);
            }
            X509ExtendedTrustManager tm = x509(tmf.getTrustManagers());
            if (!pins.isEmpty()) {
                tm = new PinningTrustManager(tm, pins);
            }
            KeyManagerFactory kmf = null;
            if (clientKey != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", clientKey, new char[0], clientChain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager x509(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509ExtendedTrustManager from the JDK");
    }

    /** Builds {@link TlsSettings}. */
    public static final class Builder {
        private final List<X509Certificate> trusted = new ArrayList<>();
        private boolean alsoSystemTrust;
        private final List<X509Certificate> clientChain = new ArrayList<>();
        private PrivateKey clientKey;
        private final Set<String> pins = new LinkedHashSet<>();

        private Builder() {
        }

        /** Trusts the CA certificates of a PEM file instead of the JDK's CAs (see {@link #alsoTrustSystemCas()}). */
        public Builder trustPem(Path caBundle) {
            return trustPemText(read(caBundle), caBundle.toString());
        }

        /** Trusts the CA certificates in PEM text. */
        public Builder trustPem(String pem) {
            return trustPemText(pem, "trustPem");
        }

        private Builder trustPemText(String pem, String what) {
            trusted.addAll(Pem.certificates(pem, what));
            return this;
        }

        /** Keeps trusting the JDK's CAs besides the PEM bundle. */
        public Builder alsoTrustSystemCas() {
            alsoSystemTrust = true;
            return this;
        }

        /** A client certificate for mutual TLS: the chain (leaf first) and its unencrypted PKCS#8 key, as PEM files. */
        public Builder clientCertificate(Path chainPem, Path keyPem) {
            return clientCertificatePem(read(chainPem), read(keyPem));
        }

        /** Like {@link #clientCertificate(Path, Path)} from PEM text. */
        public Builder clientCertificatePem(String chainPem, String keyPem) {
            if (clientKey != null) {
                throw new IllegalStateException("client certificate was already set");
            }
            clientChain.addAll(Pem.certificates(chainPem, "clientCertificate chain"));
            clientKey = Pem.privateKey(keyPem, "clientCertificate key");
            return this;
        }

        /**
         * Accepts the server only if its chain holds a certificate with this public key: base64 of the
         * SHA-256 of the SubjectPublicKeyInfo ({@code openssl x509 -pubkey -noout | openssl pkey -pubin
         * -outform der | openssl dgst -sha256 -binary | base64}). Several pins: any one matches (pin
         * the next key too before rotating).
         */
        public Builder pinSha256(String base64Pin) {
            byte[] raw;
            try {
                raw = java.util.Base64.getDecoder().decode(base64Pin);
            } catch (IllegalArgumentException e) {
                raw = new byte[0];
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException("pinSha256: " + base64Pin + " (expected: base64 of 32 bytes)");
            }
            pins.add(base64Pin);
            return this;
        }

        /** Pins the public key of {@code certificate} (convenience for {@link #pinSha256(String)}). */
        public Builder pin(X509Certificate certificate) {
            pins.add(PinningTrustManager.spkiSha256(certificate));
            return this;
        }

        public TlsSettings build() {
            return new TlsSettings(this);
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }
    }
}
