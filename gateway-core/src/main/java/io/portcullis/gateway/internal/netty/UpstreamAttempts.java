package io.portcullis.gateway.internal.netty;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.internal.cluster.Cluster;
import io.portcullis.gateway.internal.cluster.Endpoint;
import java.net.InetAddress;
import java.time.Duration;
import java.util.BitSet;

/**
 * One request's way through its cluster: the endpoint of the current attempt (counted in flight
 * for least-request), its passive-health verdicts, and whether and where a failed attempt may be
 * tried again (another endpoint, within the retry count and the cluster's retry budget). Lives on
 * the request's event loop.
 */
final class UpstreamAttempts {
    private final Cluster cluster;
    private final int loop;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private Endpoint current;
    private Endpoint last;
    private BitSet tried;
    private int retries;
    private long keyHash;

    UpstreamAttempts(Cluster cluster, int loop, RouteConfig route, Timeouts defaults) {
        this.cluster = cluster;
        this.loop = loop;
        ClusterConfig c = cluster.config();
        this.connectTimeout = first(route.upstreamConnectTimeout(), c.connectTimeout(), defaults.upstreamConnect());
        this.responseTimeout = first(route.upstreamResponseTimeout(), c.responseTimeout(), defaults.upstreamResponse());
    }

    private static Duration first(Duration a, Duration b, Duration c) {
        return a != null ? a : b != null ? b : c;
    }

    Cluster cluster() {
        return cluster;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration responseTimeout() {
        return responseTimeout;
    }

    boolean preserveHost() {
        return cluster.config().preserveHost();
    }

    /** The first attempt's endpoint, or null when none is available. */
    Endpoint first(HttpHeaders headers, InetAddress client) {
        cluster.requestStarted();
        if (cluster.hashed()) {
            keyHash = cluster.keyHash(headers, client);
        }
        return start(cluster.pick(loop, keyHash, null));
    }

    /**
     * The endpoint for another attempt after a failure, or null when the request may not be retried:
     * retries used up, no untried endpoint available, or the cluster's retry budget spent.
     */
    Endpoint retry() {
        if (retries >= cluster.config().retries().maxRetries() || last == null) {
            return null;
        }
        if (tried == null) {
            tried = new BitSet(cluster.endpoints().length);
        }
        tried.set(last.index());
        Endpoint next = cluster.pick(loop, keyHash, tried);
        if (next == null || !cluster.tryRetry()) {
            return null;
        }
        retries++;
        return start(next);
    }

    private Endpoint start(Endpoint e) {
        if (e != null) {
            current = e;
            last = e;
            e.attemptStarted();
        }
        return e;
    }

    /** The current attempt failed (connect failure, reset, timeout): passive health hears of it. */
    void failed() {
        Endpoint e = current;
        if (e != null) {
            current = null;
            e.attemptEnded();
            e.failed();
        }
    }

    /** The current attempt got its response head. */
    void responded(int status) {
        if (current != null) {
            current.responded(status);
        }
    }

    /** The exchange is over: the attempt in flight, if any, ends. */
    void end() {
        Endpoint e = current;
        if (e != null) {
            current = null;
            e.attemptEnded();
        }
    }

    /** The endpoint of the attempt in flight, or null. */
    Endpoint current() {
        return current;
    }

    /** The endpoint of the latest attempt, for the access log. */
    String endpointId() {
        return last == null ? null : last.id();
    }

    String noEndpointDetail() {
        return "no healthy endpoint in cluster '" + cluster.name() + "' is available";
    }

    /** Methods whose repetition has the same effect as one request (RFC 9110, 9.2.2). */
    static boolean idempotent(HttpMethod m) {
        return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
                || HttpMethod.TRACE.equals(m) || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m);
    }
}
