package io.portcullis.client.internal;

import io.portcullis.client.ForbiddenException;
import io.portcullis.client.GatewayTimeoutException;
import io.portcullis.client.PortcullisException;
import io.portcullis.client.Problem;
import io.portcullis.client.RateLimitedException;
import io.portcullis.client.UnauthorizedException;
import io.portcullis.client.UpstreamUnavailableException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Builds the typed exception for an error response from its status, headers and (problem+json) body. */
public final class Errors {
    private Errors() {
    }

    public static PortcullisException fromResponse(String method, String target, int status, HttpHeaders headers,
                                                   byte[] body, String sentRequestId) {
        Problem problem = problem(headers, body);
        String requestId = headers.firstValue("x-request-id")
                .orElse(problem != null && problem.requestId() != null ? problem.requestId() : sentRequestId);
        StringBuilder msg = new StringBuilder().append(method).append(' ').append(target).append(": ").append(status);
        if (problem != null && problem.detail() != null) {
            msg.append(' ').append(problem.detail());
        } else if (problem != null && problem.title() != null) {
            msg.append(' ').append(problem.title());
        }
        if (requestId != null) {
            msg.append(" (request id ").append(requestId).append(')');
        }
        String m = msg.toString();
        return switch (status) {
            case 401 -> new UnauthorizedException(m, requestId, problem, headers);
            case 403 -> new ForbiddenException(m, requestId, problem, headers);
            case 429 -> new RateLimitedException(m, requestId, problem, headers,
                    RateLimitHeaders.retryAfter(headers, Instant.now()), RateLimitHeaders.limits(headers));
            case 502, 503 -> new UpstreamUnavailableException(m, status, requestId, problem, headers,
                    RateLimitHeaders.retryAfter(headers, Instant.now()));
            case 504 -> new GatewayTimeoutException(m, requestId, problem, headers);
            default -> new PortcullisException(m, status, requestId, problem, headers, null);
        };
    }

    /** The problem body when the response says problem+json (or plain JSON shaped like one), else null. */
    static Problem problem(HttpHeaders headers, byte[] body) {
        String type = headers.firstValue("content-type").orElse("").toLowerCase(java.util.Locale.ROOT);
        if (body == null || body.length == 0 || !type.contains("json")) {
            return null;
        }
        Map<String, Object> m = MiniJson.parseObjectOrNull(new String(body, StandardCharsets.UTF_8));
        if (m == null) {
            return null;
        }
        Object s = m.get("status");
        return new Problem(str(m.get("type")), str(m.get("title")), s instanceof Number n ? n.intValue() : 0,
                str(m.get("detail")), str(m.get("requestId")));
    }

    private static String str(Object o) {
        return o instanceof String s ? s : null;
    }
}
