package io.portcullis.client.internal;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Validates the server chain with the delegate (trust anchors, expiry and the host name, which the
 * JDK HTTP client asks for), then requires one certificate of the chain to have a pinned public key:
 * the SHA-256 of its SubjectPublicKeyInfo, base64 (as in HPKP and {@code curl --pinnedpubkey}).
 * Pinning the key rather than the certificate survives renewals that keep the key.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final Set<String> pins;

    public PinningTrustManager(X509ExtendedTrustManager delegate, Set<String> pins) {
        this.delegate = delegate;
        this.pins = Set.copyOf(pins);
    }

    /** The pin of a certificate's public key: base64(SHA-256(SubjectPublicKeyInfo DER)). */
    public static String spkiSha256(X509Certificate c) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkPins(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate c : chain) {
            if (pins.contains(spkiSha256(c))) {
                return;
            }
        }
        throw new CertificateException("server certificate chain matches no pinned public key (sha256 of "
                + chain[0].getSubjectX500Principal().getName() + " key: " + spkiSha256(chain[0]) + ")");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
        checkPins(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
        checkPins(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        checkPins(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
