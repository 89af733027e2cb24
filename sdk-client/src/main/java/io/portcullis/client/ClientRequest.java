package io.portcullis.client;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One call: method, a path relative to the client's base URL (query included), headers and a body.
 * Immutable and reusable. A body is always replayable (bytes, or a stream supplier asked again per
 * attempt), so retries never send a half-consumed stream.
 *
 * <pre>{@code
 * ClientRequest.post("/v1/orders").json(order).idempotencyKey().build();
 * }</pre>
 */
public final class ClientRequest {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final String method;
    private final String path;
    private final Map<String, List<String>> headers;
    private final byte[] bytes;
    private final Supplier<InputStream> stream;
    private final Object json;
    private final boolean retryable;
    private final Duration timeout;
    private final Duration deadline;
    private final String name;

    private ClientRequest(Builder b) {
        this.method = b.method;
        this.path = b.path;
        Map<String, List<String>> h = new LinkedHashMap<>();
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = java.util.Collections.unmodifiableMap(h);
        this.bytes = b.bytes;
        this.stream = b.stream;
        this.json = b.json;
        this.retryable = b.retryable || IDEMPOTENT.contains(b.method);
        this.timeout = b.timeout;
        this.deadline = b.deadline;
        this.name = b.name;
    }

    public static Builder get(String path) {
        return builder("GET", path);
    }

    public static Builder post(String path) {
        return builder("POST", path);
    }

    public static Builder put(String path) {
        return builder("PUT", path);
    }

    public static Builder delete(String path) {
        return builder("DELETE", path);
    }

    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** Headers by name as given (case kept). */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Whether a failed attempt may be sent again: an idempotent method, or marked retryable. */
    public boolean retryable() {
        return retryable;
    }

    /** Per-attempt timeout, or null for the client's. */
    public Duration timeout() {
        return timeout;
    }

    /** Overall deadline (all attempts and waits), or null for the client's. */
    public Duration deadline() {
        return deadline;
    }

    /** A low-cardinality name for metrics ({@code orders.create}), or null. */
    public String name() {
        return name;
    }

    /** The body bytes, or null (no body, a stream, or JSON to be encoded). */
    public byte[] bodyBytes() {
        return bytes == null ? null : bytes.clone();
    }

    /** The streamed body's supplier, or null. */
    public Supplier<InputStream> bodyStream() {
        return stream;
    }

    /** The object to encode as JSON, or null. */
    public Object jsonBody() {
        return json;
    }

    /** Builds a {@link ClientRequest}. */
    public static final class Builder {
        private final String method;
        private final String path;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private byte[] bytes;
        private Supplier<InputStream> stream;
        private Object json;
        private boolean retryable;
        private Duration timeout;
        private Duration deadline;
        private String name;

        private Builder(String method, String path) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            if (!method.matches("[A-Za-z]+")) {
                throw new IllegalArgumentException("method: " + method + " (expected: a token such as GET)");
            }
            // relative only: credentials must go to the base URL's origin and nowhere else
            if (!path.startsWith("/") || path.startsWith("//")) {
                throw new IllegalArgumentException("path: " + path + " (expected: relative to the base URL, starting with one /)");
            }
            this.method = method.toUpperCase(Locale.ROOT);
            this.path = path;
        }

        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        public Builder body(byte[] body, String contentType) {
            requireNoBody();
            bytes = Objects.requireNonNull(body, "body").clone();
            return contentType(contentType);
        }

        /** A UTF-8 text body. */
        public Builder body(String body, String contentType) {
            return body(Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8), contentType);
        }

        /** A streamed body; the supplier is called once per attempt and the stream closed after sending. */
        public Builder body(Supplier<InputStream> body, String contentType) {
            requireNoBody();
            stream = Objects.requireNonNull(body, "body");
            return contentType(contentType);
        }

        /** A JSON body, encoded with the client's {@link JsonCodec}. */
        public Builder json(Object value) {
            requireNoBody();
            json = Objects.requireNonNull(value, "value");
            return contentType("application/json");
        }

        /**
         * Sends {@code Idempotency-Key: key} and allows retries of a non-idempotent method: the service
         * is expected to apply the request once per key.
         */
        public Builder idempotencyKey(String key) {
            header("Idempotency-Key", Objects.requireNonNull(key, "key"));
            retryable = true;
            return this;
        }

        /** {@link #idempotencyKey(String)} with a random UUID, the same for all attempts of this request. */
        public Builder idempotencyKey() {
            return idempotencyKey(UUID.randomUUID().toString());
        }

        /** Marks the request safe to send more than once (without an Idempotency-Key). */
        public Builder retryable(boolean v) {
            retryable = v;
            return this;
        }

        public Builder timeout(Duration v) {
            timeout = positive(v, "timeout");
            return this;
        }

        public Builder deadline(Duration v) {
            deadline = positive(v, "deadline");
            return this;
        }

        public Builder name(String v) {
            name = Objects.requireNonNull(v, "name");
            return this;
        }

        public ClientRequest build() {
            return new ClientRequest(this);
        }

        private Builder contentType(String type) {
            if (type != null) {
                headers.put("Content-Type", new ArrayList<>(List.of(type)));
            }
            return this;
        }

        private void requireNoBody() {
            if (bytes != null || stream != null || json != null) {
                throw new IllegalStateException("body was already set");
            }
        }

        private static Duration positive(Duration v, String name) {
            Objects.requireNonNull(v, name);
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
            }
            return v;
        }
    }
}
