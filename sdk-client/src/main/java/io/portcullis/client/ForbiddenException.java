package io.portcullis.client;

import java.net.http.HttpHeaders;

/** 403: authenticated, but not allowed (missing scope or role, IP rule, client certificate not accepted). */
public class ForbiddenException extends PortcullisException {
    public ForbiddenException(String message, String requestId, Problem problem, HttpHeaders headers) {
        super(message, 403, requestId, problem, headers, null);
    }
}
