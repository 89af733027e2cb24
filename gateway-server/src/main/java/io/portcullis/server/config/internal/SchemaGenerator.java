package io.portcullis.server.config.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of the configuration file, generated from {@link ConfigModel}.
 * The build runs {@link #main} to write {@code portcullis.schema.json} into the jar and the
 * distribution; {@code portcullis schema} prints it.
 */
public final class SchemaGenerator {
    public static final String ID = "urn:portcullis:config:v1";

    private SchemaGenerator() {
    }

    public static Map<String, Object> schema() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", ID);
        root.put("title", "Portcullis configuration");
        root.putAll(ConfigModel.ROOT.schema());
        root.put("$defs", Map.of("substitution", Map.of(
                "type", "string",
                "pattern", "\\$\\{[^}]+\\}",
                "description", "${ENV}, ${ENV:-default} or ${file:PATH}, replaced when the file is loaded")));
        return root;
    }

    public static String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(schema());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the schema to the file named by the only argument. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, json() + "\n", StandardCharsets.UTF_8);
    }
}
