package io.portcullis.client.internal;

import io.portcullis.client.JsonCodec;

/** The default codec: Jackson when it is on the class path, otherwise one that explains what to add. */
public final class JsonCodecs {
    private JsonCodecs() {
    }

    public static JsonCodec detect() {
        try {
            Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, JsonCodecs.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Missing.INSTANCE;
        }
        // loaded by name so the SDK's own classes never link against Jackson unless it is present
        try {
            return (JsonCodec) Class.forName("io.portcullis.client.JacksonCodec").getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return Missing.INSTANCE;
        }
    }

    private enum Missing implements JsonCodec {
        INSTANCE;

        @Override
        public byte[] write(Object value) {
            throw missing();
        }

        @Override
        public <T> T read(byte[] json, Class<T> type) {
            throw missing();
        }

        private static IllegalStateException missing() {
            return new IllegalStateException("no JSON codec: add com.fasterxml.jackson.core:jackson-databind "
                    + "or set PortcullisClient.builder().codec(...)");
        }
    }
}
