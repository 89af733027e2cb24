package io.portcullis.client;

/**
 * Maps request and response bodies to and from JSON. {@link JacksonCodec} is provided (Jackson is an
 * optional dependency of the SDK); any other library fits behind these two methods.
 */
public interface JsonCodec {
    /** The JSON bytes (UTF-8) of {@code value}. */
    byte[] write(Object value);

    /** {@code json} read as a {@code type}. */
    <T> T read(byte[] json, Class<T> type);
}
