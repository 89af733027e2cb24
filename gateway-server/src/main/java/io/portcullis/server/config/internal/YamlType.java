package io.portcullis.server.config.internal;

import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One kind of value in the configuration file: binds a YAML node (reporting problems with their
 * position) and describes itself as a JSON Schema fragment, so the binder and the schema never
 * disagree.
 */
public abstract class YamlType<T> {

    /** Binds {@code node} found at {@code path}; throws {@link io.portcullis.server.config.ConfigError}. */
    public abstract T bind(Node node, String path, BindContext ctx);

    /** What a value of this type looks like, for "expected: ..." in messages. */
    public abstract String expected();

    /** The JSON Schema of this type (draft 2020-12). */
    public abstract Map<String, Object> schema();

    /** Whether an explicit YAML null means "the default" (true) rather than a value of its own. */
    boolean nullMeansDefault() {
        return true;
    }
}
