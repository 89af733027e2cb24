package io.portcullis.client;

/** No response: connection refused or reset, TLS handshake failed (untrusted or unpinned certificate), I/O error. */
public class TransportException extends PortcullisException {
    public TransportException(String message, String requestId, Throwable cause) {
        super(message, 0, requestId, null, null, cause);
    }
}
