package io.portcullis.client;

import java.net.http.HttpHeaders;

/** 504: the gateway gave up waiting for the service (the request may or may not have been processed). */
public class GatewayTimeoutException extends PortcullisException {
    public GatewayTimeoutException(String message, String requestId, Problem problem, HttpHeaders headers) {
        super(message, 504, requestId, problem, headers, null);
    }
}
