package io.portcullis.server.config.internal;

import io.portcullis.gateway.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML mapping with a fixed set of keys, bound by a factory onto one of the core's records.
 * Unknown keys are errors with a "did you mean"; a {@link ConfigException} from the record's own
 * validation is reported at the position of the field it names.
 */
public final class ObjectType<T> extends YamlType<T> {

    /** One key of the mapping. */
    public record Field<V>(String name, YamlType<V> type, boolean required, String description, Object defaultValue) {
    }

    /** The bound values of one mapping, by field. */
    public static final class Values {
        private final Map<String, Object> values = new HashMap<>();
        private final Map<String, Node> present = new HashMap<>();

        @SuppressWarnings("unchecked")
        public <V> V get(Field<V> f) {
            return (V) values.get(f.name());
        }

        public <V> V get(Field<V> f, V defaultValue) {
            V v = get(f);
            return v == null ? defaultValue : v;
        }

        /** Whether the key is in the file (even with a null value). */
        public boolean has(Field<?> f) {
            return present.containsKey(f.name());
        }
    }

    private final String description;
    private final List<Field<?>> fields = new ArrayList<>();
    private Function<Values, T> factory;

    public ObjectType(String description) {
        this.description = description;
    }

    public <V> Field<V> field(String name, YamlType<V> type, String description) {
        return add(new Field<>(name, type, false, description, null));
    }

    public <V> Field<V> field(String name, YamlType<V> type, String description, Object defaultValue) {
        return add(new Field<>(name, type, false, description, defaultValue));
    }

    public <V> Field<V> required(String name, YamlType<V> type, String description) {
        return add(new Field<>(name, type, true, description, null));
    }

    private <V> Field<V> add(Field<V> f) {
        fields.add(f);
        return f;
    }

    /** Sets how bound values become the record; called once, after the fields are declared. */
    public ObjectType<T> factory(Function<Values, T> f) {
        this.factory = f;
        return this;
    }

    List<Field<?>> fields() {
        return fields;
    }

    String description() {
        return description;
    }

    @Override
    public T bind(Node node, String path, BindContext ctx) {
        if (node.getNodeType() != NodeType.MAPPING) {
            throw ctx.error(node, path, YamlTypes.describe(node) + " (expected: " + expected() + ")");
        }
        Map<String, Field<?>> byName = new LinkedHashMap<>();
        for (Field<?> f : fields) {
            byName.put(f.name(), f);
        }
        Values values = new Values();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            String key = key(t.getKeyNode(), path, ctx);
            String p = path.isEmpty() ? key : path + "." + key;
            Field<?> f = byName.get(key);
            if (f == null) {
                String close = Suggestions.closest(key, byName.keySet());
                throw ctx.error(t.getKeyNode(), p, "unknown key" + (close != null
                        ? " (did you mean '" + close + "'?)"
                        : " (expected one of: " + String.join(", ", byName.keySet()) + ")"));
            }
            if (values.present.containsKey(key)) {
                throw ctx.error(t.getKeyNode(), p, "duplicate key (first given on line "
                        + (values.present.get(key).getStartMark().map(m -> m.getLine() + 1).orElse(0)) + ")");
            }
            values.present.put(key, t.getKeyNode());
            Node v = t.getValueNode();
            if (isNull(v)) {
                continue; // "key:" with no value keeps the default
            }
            values.values.put(key, f.type().bind(v, p, ctx));
        }
        for (Field<?> f : fields) {
            if (f.required() && values.get(f) == null) {
                throw ctx.error(node, path.isEmpty() ? f.name() : path + "." + f.name(),
                        "missing (expected: " + f.type().expected() + ")");
            }
        }
        try {
            return factory.apply(values);
        } catch (ConfigException e) {
            Node at = NodeLocator.find(node, e.field());
            throw ctx.error(at, path.isEmpty() ? e.field() : path + "." + e.field(), e.problem());
        }
    }

    static boolean isNull(Node v) {
        return v.getNodeType() == NodeType.SCALAR && ((ScalarNode) v).isPlain() && v.getTag().equals(Tag.NULL);
    }

    static String key(Node keyNode, String path, BindContext ctx) {
        if (keyNode.getNodeType() != NodeType.SCALAR) {
            throw ctx.error(keyNode, path, "a key that is not text (expected: key: value)");
        }
        return ((ScalarNode) keyNode).getValue();
    }

    @Override
    public String expected() {
        return description;
    }

    @Override
    public Map<String, Object> schema() {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Field<?> f : fields) {
            Map<String, Object> s = new LinkedHashMap<>(f.type().schema());
            s.put("description", f.description());
            if (f.defaultValue() != null) {
                s.put("default", f.defaultValue());
            }
            props.put(f.name(), s);
            if (f.required()) {
                required.add(f.name());
            }
        }
        Map<String, Object> m = YamlTypes.map("type", "object", "description", description, "properties", props,
                "additionalProperties", false);
        if (!required.isEmpty()) {
            m.put("required", required);
        }
        return m;
    }
}
