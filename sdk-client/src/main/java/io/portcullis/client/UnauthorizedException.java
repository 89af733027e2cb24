package io.portcullis.client;

import java.net.http.HttpHeaders;

/** 401: no credentials, or credentials the gateway or service refused (after one retry with a fresh token). */
public class UnauthorizedException extends PortcullisException {
    public UnauthorizedException(String message, String requestId, Problem problem, HttpHeaders headers) {
        super(message, 401, requestId, problem, headers, null);
    }

    /** The {@code WWW-Authenticate} challenge, e.g. {@code Bearer realm="portcullis", error="invalid_token"}. */
    public String challenge() {
        return headers().firstValue("www-authenticate").orElse(null);
    }
}
