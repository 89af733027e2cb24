package io.portcullis.gateway.internal.netty;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What the gateway knows of a client connection once its protocol is chosen: the peer address and
 * the verified client certificate (mutual TLS), or null. Looked up once per connection and shared by
 * all its HTTP/2 streams: asking the TLS session of a client without a certificate throws (and
 * builds a stack trace), too dear to do for every stream. Used only on the connection's event loop.
 */
final class ClientConnection {
    private final InetAddress peer;
    private final X509Certificate certificate;
    /** The peer's address as text: {@link InetAddress#getHostAddress()} formats it anew on each call. */
    private final String peerText;
    /** The last {@code Forwarded} element built: a connection's requests nearly always share it. */
    private String lastScheme;
    private String lastAuthority;
    private String lastElement;

    ClientConnection(InetAddress peer, X509Certificate certificate) {
        this.peer = peer;
        this.certificate = certificate;
        this.peerText = peer.getHostAddress();
    }

    /** Reads both from {@code connection}; called after the TLS handshake (ALPN picks the handlers then). */
    static ClientConnection of(Channel connection) {
        var remote = connection.remoteAddress();
        InetAddress peer = remote instanceof InetSocketAddress isa ? isa.getAddress() : InetAddress.getLoopbackAddress();
        X509Certificate certificate = null;
        SslHandler ssl = connection.pipeline().get(SslHandler.class);
        if (ssl != null) {
            try {
                // the handshake is over before HTTP handlers exist, so this is final
                Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
                certificate = chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
            } catch (SSLPeerUnverifiedException none) {
                certificate = null;
            }
        }
        return new ClientConnection(peer, certificate);
    }

    InetAddress peer() {
        return peer;
    }

    X509Certificate certificate() {
        return certificate;
    }

    String peerText() {
        return peerText;
    }

    /** This peer's {@code Forwarded} element for a request with {@code scheme} and {@code authority}. */
    String forwardedElement(String scheme, String authority) {
        if (lastElement == null || !scheme.equals(lastScheme) || !java.util.Objects.equals(authority, lastAuthority)) {
            lastElement = ForwardedHeaders.forwardedElement(peer, peerText, scheme, authority);
            lastScheme = scheme;
            lastAuthority = authority;
        }
        return lastElement;
    }
}
