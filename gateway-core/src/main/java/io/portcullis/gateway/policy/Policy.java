package io.portcullis.gateway.policy;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * One step of a route's policy chain. The chain is built once at start ({@link PolicyProvider});
 * per request the gateway calls {@link #onRequest} in order, on the request's event loop, before
 * the request goes upstream, and {@link #onResponse} in reverse order on the response headers
 * (also on the gateway's own error responses).
 *
 * <p>Never block: answer from memory ({@link Decision#proceed()}, {@link Decision#respond}) or
 * return {@link Decision#suspend} with a stage that completes later (JWKS fetch, Redis); the chain
 * resumes on the same event loop with the next policy.
 */
public interface Policy {

    /** Inspects or changes the request (headers go upstream as changed); decides how to go on. */
    Decision onRequest(RequestContext ctx);

    /** Inspects or changes the response headers on their way to the client. */
    default void onResponse(RequestContext ctx, HttpHeaders responseHeaders) {
    }
}
