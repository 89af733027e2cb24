package io.portcullis.gateway.internal.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.portcullis.gateway.CertificateConfig;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for connections to upstreams: TLS 1.3/1.2, BoringSSL when available, host name
 * verification ({@code HTTPS} endpoint identification), and either no ALPN (HTTP/1.1 upstreams) or
 * ALPN offering only {@code h2} (HTTP/2 upstreams; the caller checks that the server selected it).
 *
 * <p>Verification needs the host name on the engine: create handlers with
 * {@code context.newHandler(alloc, upstreamHost, upstreamPort)}. That also sends the name as SNI.
 * The plain {@code newHandler(alloc)} has no peer host, so the certificate's name would not be checked.
 * Contexts are immutable and thread-safe; caching one per trust file is the caller's job.
 */
public final class ClientTlsContexts {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private ClientTlsContexts() {
    }

    /**
     * A client context that trusts the certificates in {@code trustedCertificatesPemOrNull} (a PEM
     * bundle of CA or self-signed certificates) or, when null, the JDK's default trust store.
     *
     * @throws IllegalArgumentException if the PEM bundle is missing or malformed (the message names it)
     */
    public static SslContext forUpstream(Path trustedCertificatesPemOrNull) {
        return forUpstream(trustedCertificatesPemOrNull, null);
    }

    /** Like {@link #forUpstream(Path)}, presenting {@code clientCertificate} (mutual TLS) when not null. */
    public static SslContext forUpstream(Path trustedCertificatesPemOrNull, CertificateConfig clientCertificate) {
        return forUpstream(trustedCertificatesPemOrNull, clientCertificate, false);
    }

    /**
     * Like {@link #forUpstream(Path, CertificateConfig)}; with {@code h2} the handshake offers ALPN {@code h2}
     * only. A server that selects nothing still completes the handshake: check
     * {@code SslHandler.applicationProtocol()} afterwards.
     */
    public static SslContext forUpstream(Path trustedCertificatesPemOrNull, CertificateConfig clientCertificate, boolean h2) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(TlsProviders.provider(TlsProviders.openSslAvailable()))
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (trustedCertificatesPemOrNull != null) {
            List<X509Certificate> trusted = PemFiles.readCertificates(trustedCertificatesPemOrNull);
            builder.trustManager(trusted.toArray(new X509Certificate[0]));
        }
        if (h2) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2));
        }
        if (clientCertificate != null) {
            List<X509Certificate> chain = PemFiles.readCertificates(clientCertificate.certificateChain());
            java.security.PrivateKey key = PemFiles.readPrivateKey(clientCertificate.privateKey());
            PemFiles.checkKeyMatches(chain.get(0), key, clientCertificate.privateKey().toString());
            builder.keyManager(key, chain.toArray(new X509Certificate[0]));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the upstream TLS context"
                    + (trustedCertificatesPemOrNull == null ? "" : " trusting " + trustedCertificatesPemOrNull)
                    + ": " + e.getMessage(), e);
        }
    }
}
