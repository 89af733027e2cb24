package io.portcullis.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;

/**
 * A successful response whose body is read as it arrives. Close it (try-with-resources) to release
 * the stream, also when not reading to the end.
 */
public final class StreamedResponse implements AutoCloseable {
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;
    private final String requestId;

    StreamedResponse(int status, HttpHeaders headers, InputStream body, String requestId) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.requestId = requestId;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public InputStream body() {
        return body;
    }

    public String requestId() {
        return requestId;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
