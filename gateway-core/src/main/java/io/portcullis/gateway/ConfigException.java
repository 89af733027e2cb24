package io.portcullis.gateway;

import java.util.Objects;

/**
 * A configuration value is missing, malformed or conflicts with another. The message always names
 * the field (as a path such as {@code listeners[0].tls.certificates[1].privateKey}) and says what
 * was expected, so every front end (builder, YAML, Spring properties) reports the same thing.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public ConfigException(String field, String problem) {
        this(field, problem, null);
    }

    public ConfigException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = Objects.requireNonNull(field, "field");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The path of the offending field, e.g. {@code routes[2].upstream.url}. */
    public String field() {
        return field;
    }

    /** What is wrong with the field, without the field name. */
    public String problem() {
        return problem;
    }

    /** The same error, seen from an enclosing object: {@code tls.protocols} becomes {@code listeners[0].tls.protocols}. */
    public ConfigException under(String parent) {
        ConfigException e = new ConfigException(parent + "." + field, problem, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** Fails with {@code field: problem} unless {@code condition} holds. */
    public static void check(boolean condition, String field, String problem) {
        if (!condition) {
            throw new ConfigException(field, problem);
        }
    }

    /** Rejects a missing value: {@code field: missing (expected: what)}. */
    public static <T> T required(T value, String field, String expected) {
        if (value == null) {
            throw new ConfigException(field, "missing (expected: " + expected + ")");
        }
        return value;
    }
}
