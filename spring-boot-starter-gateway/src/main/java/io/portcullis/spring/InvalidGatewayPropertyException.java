package io.portcullis.spring;

import io.portcullis.gateway.ConfigException;

/**
 * A {@code portcullis.*} property is missing, malformed or conflicts with another: the core's
 * {@link ConfigException} with its field path turned into the property name
 * ({@code routes[0].upstream.url} becomes {@code portcullis.routes[0].upstream.url}).
 */
public class InvalidGatewayPropertyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;

    public InvalidGatewayPropertyException(String property, String problem, ConfigException cause) {
        super(property + ": " + problem, cause);
        this.property = property;
        this.problem = problem;
    }

    /** The property name, e.g. {@code portcullis.listeners[0].tls.certificates[0].private-key}. */
    public String property() {
        return property;
    }

    /** What is wrong with it, as the core says it. */
    public String problem() {
        return problem;
    }
}
