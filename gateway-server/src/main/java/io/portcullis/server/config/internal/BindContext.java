package io.portcullis.server.config.internal;

import io.portcullis.server.config.ConfigError;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** State of one binding run: the file (for messages), substitution, base directory and the secret fields seen. */
public final class BindContext {
    private final String fileName;
    private final List<String> lines;
    private final Substitution substitution;
    private final Path baseDir;
    private final Set<String> secretPaths = new LinkedHashSet<>();

    public BindContext(String fileName, String text, Substitution substitution, Path baseDir) {
        this.fileName = fileName;
        this.lines = text.lines().toList();
        this.substitution = substitution;
        this.baseDir = baseDir;
    }

    /** A scalar after substitution. {@code tag} is the YAML core-schema tag of a plain, unsubstituted scalar, else STR. */
    record Scalar(String text, Tag tag) {
    }

    Scalar scalar(Node node, String path, String expected) {
        if (node.getNodeType() != NodeType.SCALAR) {
            throw error(node, path, (node.getNodeType() == NodeType.MAPPING ? "a mapping" : "a list")
                    + " (expected: " + expected + ")");
        }
        ScalarNode s = (ScalarNode) node;
        Substitution.Result r;
        try {
            r = substitution.apply(s.getValue());
        } catch (Substitution.Failure e) {
            throw error(node, path, e.getMessage());
        }
        if (r.secret()) {
            secretPaths.add(path);
        }
        Tag tag = s.isPlain() && !r.substituted() ? s.getTag() : Tag.STR;
        return new Scalar(r.value(), tag);
    }

    /** Reads a bare {@code file:PATH} secret reference (secret fields only). */
    String secretFile(Node node, String path, String pathText) {
        try {
            secretPaths.add(path);
            return substitution.readSecret(pathText);
        } catch (Substitution.Failure e) {
            throw error(node, path, e.getMessage());
        }
    }

    Path baseDir() {
        return baseDir;
    }

    public Set<String> secretPaths() {
        return secretPaths;
    }

    public String fileName() {
        return fileName;
    }

    public ConfigError error(Node node, String path, String problem) {
        Mark m = node == null ? null : node.getStartMark().orElse(null);
        return error(m, path, problem);
    }

    public ConfigError error(Mark mark, String path, String problem) {
        if (mark == null) {
            return new ConfigError(fileName, 0, 0, path, problem, "");
        }
        int line = mark.getLine();
        int col = mark.getColumn();
        String snippet = "";
        if (line >= 0 && line < lines.size()) {
            String n = String.valueOf(line + 1);
            String pad = " ".repeat(Math.max(0, 5 - n.length()));
            snippet = pad + n + " | " + lines.get(line) + "\n" + " ".repeat(5) + " | " + " ".repeat(col) + "^";
        }
        return new ConfigError(fileName, line + 1, col + 1, path, problem, snippet);
    }
}
