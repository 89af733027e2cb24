package io.portcullis.spring.internal;

import io.portcullis.spring.InvalidGatewayPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a bad {@code portcullis.*} property at startup by its name, like Spring's own binding errors. */
public final class InvalidGatewayPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidGatewayPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidGatewayPropertyException cause) {
        return new FailureAnalysis(
                "Invalid Portcullis gateway configuration:\n\n    Property: " + cause.property()
                        + "\n    Problem: " + cause.problem() + "\n",
                "Fix " + cause.property() + " in the application's configuration (see docs/spring-boot.md).",
                cause);
    }
}
