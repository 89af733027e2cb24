package io.portcullis.gateway.policy;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.security.cert.X509Certificate;

/**
 * One request as policies see it, the same for HTTP/1.1 and HTTP/2. Host and path are the
 * normalised values routing used; the headers are the client's, and changes to them go upstream.
 * Not thread-safe: use it on the request's event loop. A suspended policy may also set the principal
 * or attributes from its stage's thread before completing the stage: the chain's hop back to the
 * event loop publishes them, and no other code touches the request meanwhile.
 */
public interface RequestContext {

    String requestId();

    String method();

    /** Normalised host (lower case, no port), empty when the request had none. */
    String host();

    /** Normalised path. */
    String path();

    /** Raw query without {@code ?}, or null. */
    String query();

    /** The request headers; changes are forwarded upstream. */
    HttpHeaders requestHeaders();

    /** The client: the TCP peer, or the right-most untrusted address of X-Forwarded-For behind trusted proxies. */
    InetAddress clientAddress();

    /** Whether the client reached the gateway over TLS. */
    boolean secure();

    /**
     * The client's TLS certificate when the listener uses mutual TLS and the client sent one (already
     * verified against the listener's {@code clientCa} in the handshake), else null.
     */
    default X509Certificate clientCertificate() {
        return null;
    }

    /** {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2}. */
    String protocol();

    /** The matched route's id. */
    String routeId();

    /** Who the caller is, once an authentication policy has said so; null before. */
    Principal principal();

    void principal(Principal principal);

    /** A per-request attribute, or null. */
    <T> T attr(AttrKey<T> key);

    <T> void attr(AttrKey<T> key, T value);
}
