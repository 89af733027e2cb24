package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

/**
 * Size and count limits for client requests, with nginx/Envoy-like defaults. Every limit is on by
 * default; the status a client sees when it crosses one is given beside it.
 *
 * @param maxRequestLineBytes       request line (method, target, version); 414 beyond it
 * @param maxHeaderFieldBytes       one header field (name + value); 431
 * @param maxHeaderBlockBytes       the whole header block; 431
 * @param maxHeaderCount            header fields in one request; 431
 * @param maxRequestBodyBytes       request body; 413 (a route may override it)
 * @param maxConnections            open client connections per listener, unless the listener sets its own
 *                                  ({@link ConnectionLimits#maxConnections()}); more are closed at once
 * @param h2MaxConcurrentStreams    HTTP/2 streams open at once on one connection
 * @param h2InitialWindowBytes      HTTP/2 per-stream flow-control window
 * @param h2MaxHeaderListBytes      HTTP/2 header list size (uncompressed); 431
 * @param maxClientHelloBytes       TLS ClientHello read before SNI selection; larger hellos are dropped
 */
public record Limits(
        int maxRequestLineBytes,
        int maxHeaderFieldBytes,
        int maxHeaderBlockBytes,
        int maxHeaderCount,
        long maxRequestBodyBytes,
        int maxConnections,
        int h2MaxConcurrentStreams,
        int h2InitialWindowBytes,
        int h2MaxHeaderListBytes,
        int maxClientHelloBytes) {

    private static final Limits DEFAULTS = new Limits(8 * 1024, 8 * 1024, 32 * 1024, 100,
            10L * 1024 * 1024, 10_000, 100, 64 * 1024, 32 * 1024, 16 * 1024);

    public Limits {
        check(maxRequestLineBytes >= 256, "maxRequestLineBytes", maxRequestLineBytes + " (expected: >= 256)");
        check(maxHeaderFieldBytes >= 256, "maxHeaderFieldBytes", maxHeaderFieldBytes + " (expected: >= 256)");
        check(maxHeaderBlockBytes >= maxHeaderFieldBytes, "maxHeaderBlockBytes",
                maxHeaderBlockBytes + " (expected: >= maxHeaderFieldBytes " + maxHeaderFieldBytes + ")");
        check(maxHeaderCount > 0, "maxHeaderCount", maxHeaderCount + " (expected: > 0)");
        check(maxRequestBodyBytes >= 0, "maxRequestBodyBytes", maxRequestBodyBytes + " (expected: >= 0)");
        check(maxConnections > 0, "maxConnections", maxConnections + " (expected: > 0)");
        check(h2MaxConcurrentStreams > 0, "h2MaxConcurrentStreams", h2MaxConcurrentStreams + " (expected: > 0)");
        check(h2InitialWindowBytes >= 16 * 1024 && h2InitialWindowBytes <= Integer.MAX_VALUE,
                "h2InitialWindowBytes", h2InitialWindowBytes + " (expected: >= 16384)");
        check(h2MaxHeaderListBytes >= 1024, "h2MaxHeaderListBytes", h2MaxHeaderListBytes + " (expected: >= 1024)");
        check(maxClientHelloBytes >= 1024, "maxClientHelloBytes", maxClientHelloBytes + " (expected: >= 1024)");
    }

    /** The defaults: 8 KiB line and field, 32 KiB / 100 headers, 10 MiB body, 10,000 connections, h2 100 streams / 64 KiB window. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link Limits}; unset values keep their defaults. */
    public static final class Builder {
        private int maxRequestLineBytes;
        private int maxHeaderFieldBytes;
        private int maxHeaderBlockBytes;
        private int maxHeaderCount;
        private long maxRequestBodyBytes;
        private int maxConnections;
        private int h2MaxConcurrentStreams;
        private int h2InitialWindowBytes;
        private int h2MaxHeaderListBytes;
        private int maxClientHelloBytes;

        private Builder(Limits from) {
            maxRequestLineBytes = from.maxRequestLineBytes;
            maxHeaderFieldBytes = from.maxHeaderFieldBytes;
            maxHeaderBlockBytes = from.maxHeaderBlockBytes;
            maxHeaderCount = from.maxHeaderCount;
            maxRequestBodyBytes = from.maxRequestBodyBytes;
            maxConnections = from.maxConnections;
            h2MaxConcurrentStreams = from.h2MaxConcurrentStreams;
            h2InitialWindowBytes = from.h2InitialWindowBytes;
            h2MaxHeaderListBytes = from.h2MaxHeaderListBytes;
            maxClientHelloBytes = from.maxClientHelloBytes;
        }

        public Builder maxRequestLineBytes(int v) { maxRequestLineBytes = v; return this; }
        public Builder maxHeaderFieldBytes(int v) { maxHeaderFieldBytes = v; return this; }
        public Builder maxHeaderBlockBytes(int v) { maxHeaderBlockBytes = v; return this; }
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder maxRequestBodyBytes(long v) { maxRequestBodyBytes = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder h2MaxConcurrentStreams(int v) { h2MaxConcurrentStreams = v; return this; }
        public Builder h2InitialWindowBytes(int v) { h2InitialWindowBytes = v; return this; }
        public Builder h2MaxHeaderListBytes(int v) { h2MaxHeaderListBytes = v; return this; }
        public Builder maxClientHelloBytes(int v) { maxClientHelloBytes = v; return this; }

        public Limits build() {
            return new Limits(maxRequestLineBytes, maxHeaderFieldBytes, maxHeaderBlockBytes, maxHeaderCount,
                    maxRequestBodyBytes, maxConnections, h2MaxConcurrentStreams, h2InitialWindowBytes,
                    h2MaxHeaderListBytes, maxClientHelloBytes);
        }
    }
}
