package io.portcullis.client;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A call that did not succeed: an error status (built from the problem+json body) or a transport
 * failure ({@link #status()} 0). Always carries the request id to quote to support, when one is known.
 */
public class PortcullisException extends RuntimeException {
    private final int status;
    private final String requestId;
    private final transient Problem problem;
    private final transient HttpHeaders headers;

    public PortcullisException(String message, int status, String requestId, Problem problem, HttpHeaders headers,
                               Throwable cause) {
        super(message, cause);
        this.status = status;
        this.requestId = requestId;
        this.problem = problem;
        this.headers = headers;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The gateway's request id ({@code X-Request-Id} of the response, else the one sent), or null. */
    public String requestId() {
        return requestId;
    }

    /** The problem body, if the response carried problem+json. */
    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }

    /** The response headers, or empty when no response arrived. */
    public HttpHeaders headers() {
        return headers == null ? HttpHeaders.of(java.util.Map.of(), (a, b) -> true) : headers;
    }
}
