package io.portcullis.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link JsonCodec} on Jackson. Jackson is an optional dependency of the SDK: add
 * {@code jackson-databind} to the application to use this class (the client picks it by default
 * when Jackson is on the class path). Unknown properties are ignored, so a service may add fields.
 */
public final class JacksonCodec implements JsonCodec {
    private final ObjectMapper mapper;

    public JacksonCodec() {
        this(new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).findAndRegisterModules());
    }

    /** Uses the application's own configured mapper. */
    public JacksonCodec(ObjectMapper mapper) {
        this.mapper = java.util.Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T read(byte[] json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
