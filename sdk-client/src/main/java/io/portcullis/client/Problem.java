package io.portcullis.client;

/**
 * An RFC 9457 problem detail as the gateway (or a service behind it) sent it. Any field may be null
 * when the body was not problem+json.
 *
 * @param type      the problem type URI ({@code about:blank} for the gateway's own errors)
 * @param title     short summary, usually the status's reason phrase
 * @param status    the status code the body claims (0 when absent)
 * @param detail    what was wrong with this request
 * @param requestId the gateway's request id, also in {@code X-Request-Id}
 */
public record Problem(String type, String title, int status, String detail, String requestId) {
}
