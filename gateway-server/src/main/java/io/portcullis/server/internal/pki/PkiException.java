package io.portcullis.server.internal.pki;

/** A PKI operation that cannot be done as asked; the message says why and what to do. */
public final class PkiException extends RuntimeException {
    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
