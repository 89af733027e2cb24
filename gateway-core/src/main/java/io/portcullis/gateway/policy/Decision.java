package io.portcullis.gateway.policy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** What a {@link Policy} decided about a request. */
public sealed interface Decision permits Decision.Continue, Decision.Respond, Decision.Suspend {

    /** Go on with the next policy (or upstream). Allocation-free. */
    static Decision proceed() {
        return Continue.INSTANCE;
    }

    /**
     * Stop here and answer with an RFC 9457 problem response: {@code detail} is shown to the
     * client, so it must not leak secrets or echo request content.
     */
    static Respond respond(int status, String detail) {
        return new Respond(status, detail, HttpHeaders.EMPTY_HEADERS, true);
    }

    /** A problem response with extra headers ({@code WWW-Authenticate}, {@code Retry-After}, ...). */
    static Respond respond(int status, String detail, HttpHeaders headers) {
        return new Respond(status, detail, headers, true);
    }

    /** An empty response (no body), e.g. {@code 204} to a CORS preflight. */
    static Respond empty(int status, HttpHeaders headers) {
        return new Respond(status, null, headers, false);
    }

    /** Wait for {@code stage}; the chain resumes with its decision on the request's event loop. */
    static Suspend suspend(CompletionStage<Decision> stage) {
        return new Suspend(stage);
    }

    /** New, mutable headers for a {@link Respond}. */
    static HttpHeaders headers() {
        return new DefaultHttpHeaders();
    }

    /** Go on. */
    final class Continue implements Decision {
        static final Continue INSTANCE = new Continue();

        private Continue() {
        }

        @Override
        public String toString() {
            return "Continue";
        }
    }

    /**
     * Answer now. {@code problem}: a problem+json body with {@code detail}; otherwise no body.
     */
    record Respond(int status, String detail, HttpHeaders headers, boolean problem) implements Decision {
        public Respond {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status " + status + " (expected: 200-599)");
            }
            headers = Objects.requireNonNull(headers, "headers");
        }
    }

    /** Answer later. */
    record Suspend(CompletionStage<Decision> stage) implements Decision {
        public Suspend {
            Objects.requireNonNull(stage, "stage");
        }
    }
}
