package io.portcullis.gateway.internal.http;

/**
 * A request is malformed in a way the gateway refuses to forward; the caller answers 400. The
 * message is short, fixed text, safe to show the client (it never echoes request bytes).
 *
 * <p>No stack trace is captured: these are thrown for hostile input on the request path, and
 * filling a trace per bad request would hand attackers a cheap way to burn CPU.
 */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
