package io.portcullis.gateway.internal.cluster;

import io.netty.handler.codec.http.HttpHeaders;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.gateway.observe.GatewayMetrics;
import java.net.InetAddress;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running {@link ClusterConfig}: its endpoints with their shared health state, its balancer, its
 * retry budget and pending-request count. One instance serves every event loop; it survives a
 * reload that leaves its configuration unchanged, so health and ejections carry over.
 */
public final class Cluster {
    private final ClusterConfig config;
    private final Endpoint[] endpoints;
    private final Balancer balancer;
    private final HashKey hashKey;
    private final RetryBudget budget;
    private final ClusterMeters meters;
    private final int maxEjected;
    final AtomicInteger ejectedCount = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param loops the number of event loops, which share {@code maxConnectionsPerEndpoint} evenly
     */
    public Cluster(ClusterConfig config, int loops, GatewayMetrics metrics) {
        this.config = config;
        int perLoop = Math.max(1, (config.pool().maxConnectionsPerEndpoint() + loops - 1) / loops);
        this.endpoints = new Endpoint[config.endpoints().size()];
        for (int i = 0; i < endpoints.length; i++) {
            EndpointConfig e = config.endpoints().get(i);
            endpoints[i] = new Endpoint(this, i, e, perLoop);
        }
        LoadBalancing lb = config.balancing();
        this.balancer = switch (lb.algorithm()) {
            case ROUND_ROBIN -> new SmoothWeightedRoundRobin(endpoints, loops);
            case LEAST_REQUEST -> new LeastRequest(endpoints);
            case HASH -> new HashRing(endpoints);
        };
        this.hashKey = lb.algorithm() == LoadBalancing.Algorithm.HASH ? new HashKey(lb.hashKey()) : null;
        this.budget = new RetryBudget(config.retries().budgetPercent(), config.retries().minRetriesPerSecond());
        this.maxEjected = endpoints.length * config.passiveHealth().maxEjectionPercent() / 100;
        this.meters = new ClusterMeters(this, metrics);
    }

    public String name() {
        return config.name();
    }

    public ClusterConfig config() {
        return config;
    }

    public Endpoint[] endpoints() {
        return endpoints;
    }

    /**
     * For a {@code Retry-After} when no endpoint is available: whole seconds until the first ejected
     * endpoint returns, or the active check's interval when only a check can bring one back; 1 to 300.
     */
    public long retryAfterSeconds(long nowNanos) {
        long soonest = Long.MAX_VALUE;
        for (Endpoint e : endpoints) {
            long n = e.nanosUntilAvailable(nowNanos);
            if (n < 0) {
                n = config.activeHealth() == null ? Long.MAX_VALUE : config.activeHealth().interval().toNanos();
            }
            soonest = Math.min(soonest, n);
        }
        long seconds = soonest == Long.MAX_VALUE ? 1 : (soonest + 999_999_999L) / 1_000_000_000L;
        return Math.max(1, Math.min(300, seconds));
    }

    ClusterMeters metrics() {
        return meters;
    }

    /** Whether the balancer needs {@link #keyHash}. */
    public boolean hashed() {
        return hashKey != null;
    }

    public long keyHash(HttpHeaders headers, InetAddress client) {
        return hashKey == null ? 0 : hashKey.hash(headers, client);
    }

    /**
     * An available endpoint not in {@code excluded}, or null when there is none.
     *
     * @param loop the calling event loop's index (0 to loops - 1): per-loop balancer state needs no lock
     */
    public Endpoint pick(int loop, long hash, BitSet excluded) {
        return balancer.pick(loop, hash, excluded, System.nanoTime());
    }

    /** Counts a new request (not a retry) for the retry budget. */
    public void requestStarted() {
        budget.onRequest(System.nanoTime());
    }

    /** Takes a retry from the budget; false when the budget is spent. Counted in the retry meters. */
    public boolean tryRetry() {
        boolean ok = budget.tryRetry(System.nanoTime());
        meters.retry(ok);
        return ok;
    }

    /** Reserves a place among the requests waiting for a connection; false beyond {@code maxPendingRequests}. */
    public boolean tryPend() {
        int max = config.pool().maxPendingRequests();
        for (;;) {
            int p = pending.get();
            if (p >= max) {
                meters.pendingOverflow();
                return false;
            }
            if (pending.compareAndSet(p, p + 1)) {
                return true;
            }
        }
    }

    public void unpend() {
        pending.decrementAndGet();
    }

    /** Takes an ejection slot if fewer than maxEjectionPercent of the endpoints are ejected. */
    boolean mayEject() {
        for (;;) {
            int n = ejectedCount.get();
            if (n >= maxEjected) {
                return false;
            }
            if (ejectedCount.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "Cluster[" + name() + "]";
    }
}
