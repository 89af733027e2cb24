package io.portcullis.examples.refapp.web;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An RFC 9457 problem the app answers with. Each kind has one fixed title and detail, so answers
 * never depend on which check failed (no account enumeration, no internals).
 */
public final class ApiProblem extends ErrorResponseException {
    private static final long serialVersionUID = 1L;

    /** The problems this app reports; the type URI is {@code urn:refapp:problem:<slug>}. */
    public enum Kind {
        INVALID_REQUEST(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request"),
        WEAK_PASSWORD(HttpStatus.BAD_REQUEST, "weak-password", "Password does not meet the policy"),
        INVALID_TOKEN(HttpStatus.BAD_REQUEST, "invalid-token", "Invalid or expired token"),
        INVALID_CREDENTIALS(HttpStatus.UNAUTHORIZED, "invalid-credentials", "Invalid credentials"),
        MFA_REQUIRED(HttpStatus.UNAUTHORIZED, "mfa-required", "A one-time code is required"),
        INVALID_REFRESH(HttpStatus.UNAUTHORIZED, "invalid-refresh-token", "Invalid refresh token"),
        UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required"),
        EMAIL_NOT_VERIFIED(HttpStatus.FORBIDDEN, "email-not-verified", "Email address not verified"),
        FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden", "Not allowed"),
        NOT_FOUND(HttpStatus.NOT_FOUND, "not-found", "Not found"),
        TOO_MANY_ATTEMPTS(HttpStatus.TOO_MANY_REQUESTS, "too-many-attempts", "Too many attempts, try again later");

        final HttpStatus status;
        final String slug;
        final String title;

        Kind(HttpStatus status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }
    }

    private final Kind kind;

    private ApiProblem(Kind kind, String detail, HttpHeaders headers) {
        super(kind.status, problem(kind, detail), null);
        this.kind = kind;
        getHeaders().addAll(headers);
    }

    public static ApiProblem of(Kind kind) {
        return new ApiProblem(kind, null, HttpHeaders.EMPTY);
    }

    /** A problem with a detail text; the text must not depend on secret state. */
    public static ApiProblem of(Kind kind, String detail) {
        return new ApiProblem(kind, detail, HttpHeaders.EMPTY);
    }

    public static ApiProblem withHeaders(Kind kind, Map<String, String> headers) {
        HttpHeaders h = new HttpHeaders();
        headers.forEach(h::set);
        return new ApiProblem(kind, null, h);
    }

    public Kind kind() {
        return kind;
    }

    private static ProblemDetail problem(Kind kind, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(kind.status, detail);
        p.setType(URI.create("urn:refapp:problem:" + kind.slug));
        p.setTitle(kind.title);
        return p;
    }
}
