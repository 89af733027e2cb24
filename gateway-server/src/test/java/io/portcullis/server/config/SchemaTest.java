package io.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.portcullis.server.config.internal.SchemaGenerator;
import io.portcullis.server.internal.EmbeddedDefault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The JSON Schema editors use: generated at build time, it accepts what we ship and rejects what the loader rejects. */
class SchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    @BeforeAll
    static void loadBuiltSchema() throws Exception {
        // the file the build wrote into the jar (and the distribution), not a fresh one
        Path built = Path.of("target/classes/io/portcullis/server/portcullis.schema.json");
        String text = Files.readString(built, StandardCharsets.UTF_8);
        assertThat(JSON.readTree(text)).isEqualTo(JSON.readTree(SchemaGenerator.json()));
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text);
    }

    private static JsonNode yaml(String text) {
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(text);
        return JSON.valueToTree(tree);
    }

    @Test
    void acceptsTheShippedExample_theEmbeddedDefault_andTheReferenceAppsFile() throws Exception {
        Set<ValidationMessage> example = schema.validate(yaml(Files.readString(Path.of("src/dist/conf/portcullis.yaml"))));
        assertThat(example).isEmpty();
        assertThat(schema.validate(yaml(EmbeddedDefault.yaml()))).isEmpty();
        assertThat(schema.validate(yaml(Files.readString(Path.of("../examples/reference-app/portcullis.yaml"))))).isEmpty();
    }

    @Test
    void rejectsAMisspelledKey_aWrongType_andAMissingListener() {
        Set<ValidationMessage> typo = schema.validate(yaml("""
                listeners:
                  - port: 8080
                    mode: http
                    hots: 0.0.0.0
                """));
        assertThat(typo).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("hots"));

        Set<ValidationMessage> type = schema.validate(yaml("""
                listeners:
                  - port: eighty
                    mode: http
                timeouts: {idle: 5 minutes}
                """));
        assertThat(type).extracting(ValidationMessage::getInstanceLocation).map(Object::toString)
                .anyMatch(l -> l.contains("port")).anyMatch(l -> l.contains("idle"));

        assertThat(schema.validate(yaml("routes: []\n"))).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("listeners"));
    }

    @Test
    void describesFieldsWithDefaults() {
        var props = JSON.valueToTree(SchemaGenerator.schema()).get("properties");
        assertThat(props.get("timeouts").get("properties").get("drain").get("default").asText()).isEqualTo("30s");
        assertThat(props.get("listeners").get("items").get("required").toString()).contains("port");
    }
}
