package io.portcullis.gateway.policy;

import io.portcullis.gateway.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of one policy: a type name and its settings, the same model whether it comes
 * from YAML, Spring properties or the builder. Typed getters report a bad value with its field
 * path ({@code settings.maxAge: ...}); settings no getter asked for are reported as unknown once
 * the provider has built its policy, so a misspelled key is an error, not silently ignored.
 */
public final class PolicySpec {
    private final String type;
    private final String prefix; // field path of the settings, for messages
    private final Map<String, Object> settings;
    private final Set<String> read = Collections.synchronizedSet(new LinkedHashSet<>());

    public PolicySpec(String type, Map<String, ?> settings) {
        ConfigException.check(type != null && !type.isBlank(), "type", "missing (expected: a policy type)");
        this.type = type.trim();
        this.prefix = "settings.";
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings == null ? Map.of() : settings));
    }

    private PolicySpec(String type, String prefix, Map<String, Object> settings) {
        this.type = type;
        this.prefix = prefix;
        this.settings = settings;
    }

    public static PolicySpec of(String type) {
        return new PolicySpec(type, Map.of());
    }

    public static PolicySpec of(String type, Map<String, ?> settings) {
        return new PolicySpec(type, settings);
    }

    public String type() {
        return type;
    }

    public Map<String, Object> settings() {
        return settings;
    }

    private Object raw(String key) {
        read.add(key);
        return settings.get(key);
    }

    public String string(String key, String defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(prefix + key, "'" + v + "' (expected: text)");
        }
        return s;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(prefix + key, "'" + v + "' (expected: true or false)");
    }

    public long number(String key, long defaultValue, long min, long max) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        long n;
        if (v instanceof Number num && num.doubleValue() == num.longValue()) {
            n = num.longValue();
        } else if (v instanceof String s && !s.isBlank()) {
            try {
                n = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(prefix + key, "'" + v + "' (expected: a whole number)");
            }
        } else {
            throw new ConfigException(prefix + key, "'" + v + "' (expected: a whole number)");
        }
        ConfigException.check(n >= min && n <= max, prefix + key, n + " (expected: " + min + "-" + max + ")");
        return n;
    }

    /** A duration as {@link Duration} or text: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601. */
    public Duration duration(String key, Duration defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Duration d) {
            return d;
        }
        if (v instanceof String s) {
            Duration d = parseDuration(s.trim());
            if (d != null) {
                return d;
            }
        }
        throw new ConfigException(prefix + key, "'" + v + "' (expected: a duration such as 30s, 5m, 1h)");
    }

    /** A list of text values; a single text value counts as a list of one. */
    public List<String> strings(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof String s)) {
                    throw new ConfigException(prefix + key + "[" + i + "]", "'" + l.get(i) + "' (expected: text)");
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        throw new ConfigException(prefix + key, "'" + v + "' (expected: a list of text values)");
    }

    /**
     * A map of text to text in configuration order (e.g. {@code claimHeaders: {X-User-Id: sub}});
     * numbers and booleans count as their text.
     */
    public Map<String, String> stringMap(String key) {
        Object v = raw(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ConfigException(prefix + key, "'" + v + "' (expected: a map of names to text values)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object val = e.getValue();
            if (!(val instanceof String || val instanceof Number || val instanceof Boolean)) {
                throw new ConfigException(prefix + key + "." + e.getKey(), "'" + val + "' (expected: text)");
            }
            out.put(String.valueOf(e.getKey()), String.valueOf(val));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * A list of nested objects (e.g. {@code keys: [{id: a, ...}, ...]}), each readable with the same
     * typed getters; their errors name {@code settings.keys[0].id}. Call {@link #checkAllRead()} on
     * each once read.
     */
    public List<PolicySpec> entries(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new ConfigException(prefix + key, "'" + v + "' (expected: a list of objects)");
        }
        List<PolicySpec> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m)) {
                throw new ConfigException(prefix + key + "[" + i + "]", "'" + l.get(i) + "' (expected: an object)");
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, val) -> copy.put(String.valueOf(k), val));
            out.add(new PolicySpec(type, prefix + key + "[" + i + "].", Collections.unmodifiableMap(copy)));
        }
        return List.copyOf(out);
    }

    /** Throws for every setting no getter asked for: they are misspelled or belong to another type. */
    public void checkAllRead() {
        for (String key : settings.keySet()) {
            if (!read.contains(key)) {
                throw new ConfigException(prefix + key, "unknown setting for policy type '" + type
                        + "' (known: " + String.join(", ", read) + ")");
            }
        }
    }

    static Duration parseDuration(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s);
            }
            String unit;
            int i = s.length();
            while (i > 0 && !Character.isDigit(s.charAt(i - 1))) {
                i--;
            }
            unit = s.substring(i);
            long n = Long.parseLong(s.substring(0, i));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicySpec p && p.type.equals(type) && p.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, settings);
    }

    @Override
    public String toString() {
        return "PolicySpec[" + type + " " + settings + "]";
    }
}
