package io.portcullis.server.config.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** The scalar, list and free-form value types of the configuration file. */
public final class YamlTypes {
    /** JSON Schema of a value still holding a {@code ${...}} reference: checked when the file is loaded, not by editors. */
    static final Map<String, Object> SUBSTITUTION = Map.of("$ref", "#/$defs/substitution");

    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]+) ?(B|KB|KiB|MB|MiB|GB|GiB)?");

    private YamlTypes() {
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** {@code schema} or a {@code ${...}} reference. */
    static Map<String, Object> orSubstitution(Map<String, Object> schema) {
        return map("anyOf", List.of(schema, SUBSTITUTION));
    }

    /** Any text. */
    public static YamlType<String> text(String expected) {
        return new YamlType<>() {
            @Override
            public String bind(Node node, String path, BindContext ctx) {
                return ctx.scalar(node, path, expected).text();
            }

            @Override
            public String expected() {
                return expected;
            }

            @Override
            public Map<String, Object> schema() {
                return map("type", "string");
            }
        };
    }

    /**
     * A secret: text, {@code ${file:PATH}}, or the bare form {@code file:PATH}. Never shown by
     * {@code /config}.
     */
    public static YamlType<String> secret(String expected) {
        return new YamlType<>() {
            @Override
            public String bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected).text();
                ctx.secretPaths().add(path);
                return s.startsWith("file:") ? ctx.secretFile(node, path, s.substring(5).trim()) : s;
            }

            @Override
            public String expected() {
                return expected;
            }

            @Override
            public Map<String, Object> schema() {
                return map("type", "string");
            }
        };
    }

    /** A whole number in {@code [min, max]}. */
    public static YamlType<Integer> integer(int min, int max) {
        return new YamlType<>() {
            @Override
            public Integer bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected()).text().trim();
                try {
                    int n = Integer.parseInt(s);
                    if (n >= min && n <= max) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw ctx.error(node, path, "'" + s + "' (expected: " + expected() + ")");
            }

            @Override
            public String expected() {
                return "a whole number " + (max == Integer.MAX_VALUE ? ">= " + min : min + "-" + max);
            }

            @Override
            public Map<String, Object> schema() {
                return orSubstitution(map("type", "integer", "minimum", min, "maximum", max));
            }
        };
    }

    /** {@code true} or {@code false}. */
    public static YamlType<Boolean> bool() {
        return new YamlType<>() {
            @Override
            public Boolean bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected()).text().trim();
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw ctx.error(node, path, "'" + s + "' (expected: true or false)");
            }

            @Override
            public String expected() {
                return "true or false";
            }

            @Override
            public Map<String, Object> schema() {
                return orSubstitution(map("type", "boolean"));
            }
        };
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT30S}). */
    public static YamlType<Duration> duration() {
        return new YamlType<>() {
            @Override
            public Duration bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected()).text().trim();
                Duration d = parseDuration(s);
                if (d == null) {
                    throw ctx.error(node, path, "'" + s + "' (expected: " + expected() + ")");
                }
                return d;
            }

            @Override
            public String expected() {
                return "a duration such as 500ms, 30s, 5m, 1h, 2d";
            }

            @Override
            public Map<String, Object> schema() {
                return orSubstitution(map("type", "string", "pattern", "^([0-9]+(ms|s|m|h|d)|P[0-9A-Za-z.]+)$"));
            }
        };
    }

    static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (s.startsWith("P")) {
                return Duration.parse(s);
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            return null;
        }
        return null;
    }

    /** A byte count: a whole number, or with a unit {@code B, KB, KiB, MB, MiB, GB, GiB}. */
    public static YamlType<Long> size(long max) {
        return new YamlType<>() {
            @Override
            public Long bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected()).text().trim();
                Matcher m = SIZE.matcher(s);
                if (m.matches()) {
                    try {
                        long n = Long.parseLong(m.group(1));
                        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                            case "KB" -> 1000L;
                            case "KiB" -> 1024L;
                            case "MB" -> 1000L * 1000;
                            case "MiB" -> 1024L * 1024;
                            case "GB" -> 1000L * 1000 * 1000;
                            case "GiB" -> 1024L * 1024 * 1024;
                            default -> 1L;
                        };
                        long v = Math.multiplyExact(n, unit);
                        if (v <= max) {
                            return v;
                        }
                        throw ctx.error(node, path, "'" + s + "' is too large (expected: at most " + max + " bytes)");
                    } catch (NumberFormatException | ArithmeticException e) {
                        // reported below
                    }
                }
                throw ctx.error(node, path, "'" + s + "' (expected: " + expected() + ")");
            }

            @Override
            public String expected() {
                return "a size in bytes such as 8192, 8KiB, 10MiB";
            }

            @Override
            public Map<String, Object> schema() {
                return map("anyOf", List.of(map("type", "integer", "minimum", 0),
                        map("type", "string", "pattern", "^[0-9]+ ?(B|KB|KiB|MB|MiB|GB|GiB)?$"), SUBSTITUTION));
            }
        };
    }

    /** One of an enum's constants, written lower-case with dashes ({@code strip-prefix}) or as the constant. */
    public static <E extends Enum<E>> YamlType<E> enumOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        List<String> names = Arrays.stream(constants).map(YamlTypes::kebab).toList();
        return new YamlType<>() {
            @Override
            public E bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected()).text().trim();
                for (E e : constants) {
                    if (e.name().equals(s) || kebab(e).equals(s.toLowerCase(Locale.ROOT))) {
                        return e;
                    }
                }
                String close = Suggestions.closest(s, names);
                throw ctx.error(node, path, "'" + s + "' (expected: " + expected() + ")"
                        + (close == null ? "" : "; did you mean '" + close + "'?"));
            }

            @Override
            public String expected() {
                return "one of " + String.join(", ", names);
            }

            @Override
            public Map<String, Object> schema() {
                List<String> all = new ArrayList<>(names);
                for (E e : constants) {
                    all.add(e.name());
                }
                return orSubstitution(map("type", "string", "enum", all));
            }
        };
    }

    static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A file path; a relative one is resolved against the configuration file's directory. */
    public static YamlType<Path> path(String expected) {
        return new YamlType<>() {
            @Override
            public Path bind(Node node, String path, BindContext ctx) {
                String s = ctx.scalar(node, path, expected).text().trim();
                if (s.isEmpty()) {
                    throw ctx.error(node, path, "empty (expected: " + expected + ")");
                }
                try {
                    return ctx.baseDir().resolve(s).normalize();
                } catch (InvalidPathException e) {
                    throw ctx.error(node, path, "'" + s + "' is not a valid path: " + e.getReason());
                }
            }

            @Override
            public String expected() {
                return expected;
            }

            @Override
            public Map<String, Object> schema() {
                return map("type", "string", "minLength", 1);
            }
        };
    }

    /** A list of {@code item}s. */
    public static <T> YamlType<List<T>> listOf(YamlType<T> item) {
        return new YamlType<>() {
            @Override
            public List<T> bind(Node node, String path, BindContext ctx) {
                if (node.getNodeType() != NodeType.SEQUENCE) {
                    throw ctx.error(node, path, describe(node) + " (expected: " + expected() + ")");
                }
                List<Node> items = ((SequenceNode) node).getValue();
                List<T> out = new ArrayList<>(items.size());
                for (int i = 0; i < items.size(); i++) {
                    out.add(item.bind(items.get(i), path + "[" + i + "]", ctx));
                }
                return out;
            }

            @Override
            public String expected() {
                return "a list of " + item.expected();
            }

            @Override
            public Map<String, Object> schema() {
                return map("type", "array", "items", item.schema());
            }
        };
    }

    /** Free-form settings (a policy's): mappings, lists and scalars typed by the YAML core schema. */
    public static YamlType<Map<String, Object>> settings() {
        return new YamlType<>() {
            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Object> bind(Node node, String path, BindContext ctx) {
                if (node.getNodeType() != NodeType.MAPPING) {
                    throw ctx.error(node, path, describe(node) + " (expected: " + expected() + ")");
                }
                return (Map<String, Object>) plain(node, path, ctx);
            }

            @Override
            public String expected() {
                return "a mapping of settings";
            }

            @Override
            public Map<String, Object> schema() {
                return map("type", "object");
            }
        };
    }

    static Object plain(Node node, String path, BindContext ctx) {
        switch (node.getNodeType()) {
            case MAPPING: {
                Map<String, Object> out = new LinkedHashMap<>();
                for (NodeTuple t : ((MappingNode) node).getValue()) {
                    String key = ObjectType.key(t.getKeyNode(), path, ctx);
                    String p = path + "." + key;
                    if (out.containsKey(key)) {
                        throw ctx.error(t.getKeyNode(), p, "duplicate key");
                    }
                    out.put(key, plain(t.getValueNode(), p, ctx));
                }
                return out;
            }
            case SEQUENCE: {
                List<Node> items = ((SequenceNode) node).getValue();
                List<Object> out = new ArrayList<>(items.size());
                for (int i = 0; i < items.size(); i++) {
                    out.add(plain(items.get(i), path + "[" + i + "]", ctx));
                }
                return out;
            }
            default: {
                BindContext.Scalar s = ctx.scalar(node, path, "a value");
                String t = s.text();
                Tag tag = s.tag();
                try {
                    if (tag.equals(Tag.NULL)) {
                        return null;
                    } else if (tag.equals(Tag.BOOL)) {
                        return Boolean.parseBoolean(t.toLowerCase(Locale.ROOT));
                    } else if (tag.equals(Tag.INT)) {
                        if (t.startsWith("0x")) {
                            return Long.parseLong(t.substring(2), 16);
                        } else if (t.startsWith("0o")) {
                            return Long.parseLong(t.substring(2), 8);
                        }
                        return Long.parseLong(t);
                    } else if (tag.equals(Tag.FLOAT)) {
                        return Double.parseDouble(t);
                    }
                } catch (NumberFormatException e) {
                    return t; // out of range for a long: keep the text, the policy reports it
                }
                return t;
            }
        }
    }

    static String describe(Node node) {
        return switch (node.getNodeType()) {
            case MAPPING -> "a mapping";
            case SEQUENCE -> "a list";
            default -> "a single value";
        };
    }
}
