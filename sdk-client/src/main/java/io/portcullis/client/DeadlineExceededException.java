package io.portcullis.client;

/**
 * The call's overall deadline passed (attempts and waits between them included). Thrown instead of
 * waiting out a {@code Retry-After} that would end after the deadline.
 */
public class DeadlineExceededException extends PortcullisException {
    public DeadlineExceededException(String message, String requestId, Throwable cause) {
        super(message, 0, requestId, null, null, cause);
    }
}
