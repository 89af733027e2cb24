package io.portcullis.server.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${file:PATH}} in scalar values;
 * {@code $${} stands for a literal {@code ${}. A file reference reads the whole file (one trailing
 * newline removed) and marks the value secret. Relative file paths are resolved against the
 * configuration file's directory.
 */
public final class Substitution {
    /** A substituted value and whether any part of it came from a secret file. */
    public record Result(String value, boolean secret, boolean substituted) {
    }

    /** A substitution that cannot be made; the message says why. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private final Function<String, String> env;
    private final Path baseDir;

    public Substitution(Function<String, String> env, Path baseDir) {
        this.env = env;
        this.baseDir = baseDir;
    }

    public Result apply(String text) {
        if (text.indexOf('$') < 0) {
            return new Result(text, false, false);
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean secret = false;
        boolean substituted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                substituted = true;
                continue;
            }
            if (c != '$' || !text.startsWith("${", i)) {
                out.append(c);
                i++;
                continue;
            }
            int end = text.indexOf('}', i + 2);
            if (end < 0) {
                throw new Failure("'" + text + "' has an unclosed ${ (expected: ${NAME}, ${NAME:-default} or ${file:PATH}; $${ for a literal ${)");
            }
            String expr = text.substring(i + 2, end);
            substituted = true;
            if (expr.startsWith("file:")) {
                out.append(readSecret(expr.substring(5).trim()));
                secret = true;
            } else {
                int sep = expr.indexOf(":-");
                String name = sep < 0 ? expr : expr.substring(0, sep);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new Failure("'${" + expr + "}' (expected: ${NAME} with NAME of [A-Za-z0-9_], ${NAME:-default} or ${file:PATH})");
                }
                String value = env.apply(name);
                if (value == null || (sep >= 0 && value.isEmpty())) {
                    if (sep < 0) {
                        throw new Failure("environment variable " + name + " is not set (use ${" + name
                                + ":-default} to give a default)");
                    }
                    value = expr.substring(sep + 2);
                }
                out.append(value);
            }
            i = end + 1;
        }
        return new Result(out.toString(), secret, substituted);
    }

    /** Reads a secret file: its content without one trailing newline. */
    public String readSecret(String pathText) {
        if (pathText.isEmpty()) {
            throw new Failure("${file:} names no file (expected: ${file:/run/secrets/name})");
        }
        Path p = baseDir.resolve(pathText);
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            if (s.endsWith("\r\n")) {
                s = s.substring(0, s.length() - 2);
            } else if (s.endsWith("\n")) {
                s = s.substring(0, s.length() - 1);
            }
            return s;
        } catch (IOException e) {
            throw new Failure("cannot read secret file " + p + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
