package io.portcullis.server.config;

/**
 * A configuration file is invalid. The message names the file, line and column, the field path
 * and what was expected, followed by the offending line with a caret:
 * <pre>
 * portcullis.yaml:7:5: listeners[0].prot: unknown key (did you mean 'port'?)
 *     7 |     prot: 8443
 *       |     ^
 * </pre>
 * The CLI prints it as it is, without a stack trace.
 */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String path;
    private final String problem;

    /**
     * @param file    the file name as given (or {@code <default>} for built-in configuration)
     * @param line    1-based line, 0 if unknown
     * @param column  1-based column, 0 if unknown
     * @param path    field path such as {@code routes[2].upstream}, empty for the whole file
     * @param problem what is wrong and what was expected
     * @param snippet the offending line with a caret, or empty
     */
    public ConfigError(String file, int line, int column, String path, String problem, String snippet) {
        super(format(file, line, column, path, problem) + (snippet == null || snippet.isEmpty() ? "" : "\n" + snippet));
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
        this.problem = problem;
    }

    private static String format(String file, int line, int column, String path, String problem) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(problem).toString();
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The field path, e.g. {@code listeners[0].tls.certificates[0].privateKey}. */
    public String path() {
        return path;
    }

    /** What is wrong, without file, position or path. */
    public String problem() {
        return problem;
    }
}
