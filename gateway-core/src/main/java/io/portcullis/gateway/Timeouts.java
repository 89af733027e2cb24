package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.time.Duration;
import java.util.Objects;

/**
 * Every time limit of the request path. All are on by default.
 *
 * @param tlsHandshake      from accept to the end of the TLS handshake (includes reading the ClientHello)
 * @param requestHeaders    from connection start, or the end of the previous exchange, to a complete
 *                          request head; 408 and close beyond it (slowloris)
 * @param idle              an HTTP/1.1 keep-alive or HTTP/2 connection with no open request is closed after it
 * @param clientIdle        longest silence from a client that is sending a request body, or longest time a
 *                          client takes no response bytes; 408 if the response has not started, else it is cut
 * @param upstreamConnect   TCP (and TLS) connect to the upstream; 504 beyond it
 * @param upstreamResponse  longest silence from the upstream, before the response head (504) or between
 *                          body chunks (the response is aborted)
 * @param request           whole exchange, from the request head to the last response byte; 504 if the
 *                          response has not started, otherwise the response is aborted
 * @param drain             graceful shutdown: how long in-flight requests may finish before connections close
 * @param websocketIdle     a WebSocket tunnel with no byte in either direction for this long is closed
 */
public record Timeouts(
        Duration tlsHandshake,
        Duration requestHeaders,
        Duration idle,
        Duration clientIdle,
        Duration upstreamConnect,
        Duration upstreamResponse,
        Duration request,
        Duration drain,
        Duration websocketIdle) {

    private static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(75), Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(5),
            Duration.ofSeconds(30), Duration.ofMinutes(5));

    public Timeouts {
        positive(tlsHandshake, "tlsHandshake");
        positive(requestHeaders, "requestHeaders");
        positive(idle, "idle");
        positive(clientIdle, "clientIdle");
        positive(upstreamConnect, "upstreamConnect");
        positive(upstreamResponse, "upstreamResponse");
        positive(request, "request");
        Objects.requireNonNull(drain, "drain");
        check(!drain.isNegative(), "drain", drain + " (expected: >= 0)");
        positive(websocketIdle, "websocketIdle");
    }

    private static void positive(Duration d, String field) {
        ConfigException.required(d, field, "a duration");
        check(!d.isNegative() && !d.isZero(), field, d + " (expected: > 0)");
    }

    /** TLS 10 s, request headers 20 s, idle 75 s, client idle 60 s, upstream connect 5 s, upstream response 60 s, request 5 min, drain 30 s,
     * WebSocket idle 5 min. */
    public static Timeouts defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link Timeouts}; unset values keep their defaults. */
    public static final class Builder {
        private Duration tlsHandshake;
        private Duration requestHeaders;
        private Duration idle;
        private Duration clientIdle;
        private Duration upstreamConnect;
        private Duration upstreamResponse;
        private Duration request;
        private Duration drain;
        private Duration websocketIdle;

        private Builder(Timeouts from) {
            tlsHandshake = from.tlsHandshake;
            requestHeaders = from.requestHeaders;
            idle = from.idle;
            clientIdle = from.clientIdle;
            upstreamConnect = from.upstreamConnect;
            upstreamResponse = from.upstreamResponse;
            request = from.request;
            drain = from.drain;
            websocketIdle = from.websocketIdle;
        }

        public Builder tlsHandshake(Duration v) { tlsHandshake = v; return this; }
        public Builder requestHeaders(Duration v) { requestHeaders = v; return this; }
        public Builder idle(Duration v) { idle = v; return this; }
        public Builder clientIdle(Duration v) { clientIdle = v; return this; }
        public Builder upstreamConnect(Duration v) { upstreamConnect = v; return this; }
        public Builder upstreamResponse(Duration v) { upstreamResponse = v; return this; }
        public Builder request(Duration v) { request = v; return this; }
        public Builder drain(Duration v) { drain = v; return this; }
        public Builder websocketIdle(Duration v) { websocketIdle = v; return this; }

        public Timeouts build() {
            return new Timeouts(tlsHandshake, requestHeaders, idle, clientIdle, upstreamConnect, upstreamResponse, request, drain, websocketIdle);
        }
    }
}
