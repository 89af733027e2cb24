package io.portcullis.client;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** A successful (1xx-3xx) response with its whole body in memory. Error statuses are thrown, never returned. */
public final class ClientResponse {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final String requestId;
    private final int attempts;
    private final JsonCodec codec;
    private final HttpClient.Version version;

    ClientResponse(int status, HttpHeaders headers, byte[] body, String requestId, int attempts, JsonCodec codec,
                   HttpClient.Version version) {
        this.version = version;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.requestId = requestId;
        this.attempts = attempts;
        this.codec = codec;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body decoded as JSON with the client's codec. */
    public <T> T as(Class<T> type) {
        return codec.read(body, type);
    }

    /** The gateway's request id ({@code X-Request-Id}), or the one the client sent. */
    public String requestId() {
        return requestId;
    }

    /** The protocol of the last attempt: HTTP_2 when ALPN agreed on h2. */
    public HttpClient.Version version() {
        return version;
    }

    /** Attempts this call took (1 when not retried). */
    public int attempts() {
        return attempts;
    }
}
