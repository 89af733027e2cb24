package io.portcullis.client;

import java.util.Objects;

/**
 * One authentication header to put on a request, e.g. {@code Authorization: Bearer ...} or
 * {@code X-API-Key: ...}. {@link #toString()} never shows the value.
 *
 * @param header the header name
 * @param value  the header value (secret)
 */
public record Credential(String header, String value) {
    public Credential {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(value, "value");
    }

    /** {@code Authorization: Bearer <token>}. */
    public static Credential bearer(String token) {
        return new Credential("Authorization", "Bearer " + token);
    }

    @Override
    public String toString() {
        return "Credential[" + header + ": ***]";
    }
}
