package io.portcullis.server.config;

import io.portcullis.gateway.ConfigException;
import io.portcullis.server.config.internal.BindContext;
import io.portcullis.server.config.internal.ConfigModel;
import io.portcullis.server.config.internal.NodeLocator;
import io.portcullis.server.config.internal.Substitution;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a YAML configuration file into a {@link ServerConfig}: {@code ${ENV}} substitution,
 * strict keys, positions in every error. The core validates the records as they are built; its
 * errors are reported at the position of the field they name.
 */
public final class ConfigLoader {
    /** Files larger than this are refused before parsing. */
    public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private final Function<String, String> env;

    /** A loader that reads environment variables from the process environment. */
    public ConfigLoader() {
        this(System::getenv);
    }

    /** A loader with its own environment lookup (tests, embedding). */
    public ConfigLoader(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** Reads and binds {@code file}; throws {@link ConfigError}. */
    public ServerConfig load(Path file) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigError(name, 0, 0, "", "the file is larger than " + MAX_FILE_BYTES + " bytes", "");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigError(name, 0, 0, "", "no such file", "");
        } catch (MalformedInputException e) {
            throw new ConfigError(name, 0, 0, "", "not UTF-8 text", "");
        } catch (IOException e) {
            throw new ConfigError(name, 0, 0, "", "cannot read: " + e.getMessage(), "");
        }
        Path dir = file.toAbsolutePath().getParent();
        return load(text, name, file, dir == null ? Path.of(".").toAbsolutePath() : dir);
    }

    /** Binds YAML {@code text}; {@code name} is used in messages, relative paths resolve against {@code baseDir}. */
    public ServerConfig load(String text, String name, Path source, Path baseDir) {
        BindContext ctx = new BindContext(name, text, new Substitution(env, baseDir), baseDir);
        Node root = compose(text, ctx);
        ServerConfig bound = ConfigModel.ROOT.bind(root, "", ctx);
        return new ServerConfig(bound.gateway(), bound.admin(), source, ctx.secretPaths(), bound.acme());
    }

    /**
     * Relates an error the core raised after binding (loading certificates, compiling policies) to
     * its position in the file {@code config} came from.
     */
    public ConfigError relate(ServerConfig config, ConfigException e) {
        String name = config.sourceName();
        if (config.source() != null) {
            try {
                String text = Files.readString(config.source(), StandardCharsets.UTF_8);
                BindContext ctx = new BindContext(name, text, new Substitution(env, Path.of(".")), Path.of("."));
                Node root = compose(text, ctx);
                return ctx.error(NodeLocator.find(root, e.field()), e.field(), e.problem());
            } catch (IOException | ConfigError ignored) {
                // the file changed or vanished since: report without a position
            }
        }
        return new ConfigError(name, 0, 0, e.field(), e.problem(), "");
    }

    private static Node compose(String text, BindContext ctx) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(ctx.fileName())
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50)
                .setCodePointLimit(MAX_FILE_BYTES)
                .build();
        try {
            Iterator<Node> docs = new Compose(settings).composeAllFromString(text).iterator();
            if (!docs.hasNext()) {
                throw ctx.error((Node) null, "", "the file is empty (expected: a mapping with at least 'listeners')");
            }
            Node root = docs.next();
            if (docs.hasNext()) {
                Node second = docs.next();
                throw ctx.error(second, "", "a second YAML document (expected: one document per file)");
            }
            return root;
        } catch (MarkedYamlEngineException e) {
            String problem = "YAML syntax error: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")");
            throw ctx.error(e.getProblemMark().orElse(null), "", problem);
        } catch (YamlEngineException e) {
            throw ctx.error((Node) null, "", "YAML error: " + e.getMessage());
        }
    }
}
