package io.portcullis.client;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;

/** 502 or 503: the service behind the gateway could not be reached or is overloaded. */
public class UpstreamUnavailableException extends PortcullisException {
    private final Duration retryAfter;

    public UpstreamUnavailableException(String message, int status, String requestId, Problem problem,
                                        HttpHeaders headers, Duration retryAfter) {
        super(message, status, requestId, problem, headers, null);
        this.retryAfter = retryAfter;
    }

    /** {@code Retry-After} of a 503, if sent. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
