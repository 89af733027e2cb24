package io.portcullis.gateway.internal.cluster;

import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.PassiveHealth;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint of a running cluster, shared by every event loop. Its connections live in the
 * per-loop pools; what is shared here are plain atomics: requests in flight, consecutive failures,
 * the ejection deadline and the active-check verdict.
 */
public final class Endpoint {
    private final Cluster cluster;
    private final int index;
    private final EndpointConfig config;
    private final String id;
    private final int maxConnectionsPerLoop;

    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger ejections = new AtomicInteger();
    /** System.nanoTime() until which the endpoint is ejected; 0 when it is not. */
    private final AtomicLong ejectedUntil = new AtomicLong();
    private volatile long lastEjectionEnd;
    private volatile boolean activeHealthy = true;
    private int activeStreak; // touched only by the cluster's health-check loop

    Endpoint(Cluster cluster, int index, EndpointConfig config, int maxConnectionsPerLoop) {
        this.cluster = cluster;
        this.index = index;
        this.config = config;
        this.id = config.url().getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + config.authority();
        this.maxConnectionsPerLoop = maxConnectionsPerLoop;
    }

    public Cluster cluster() {
        return cluster;
    }

    public int index() {
        return index;
    }

    public EndpointConfig config() {
        return config;
    }

    /** {@code scheme://host:port}: for logs, metrics and problem details. */
    public String id() {
        return id;
    }

    public int weight() {
        return config.weight();
    }

    /** This event loop's share of {@code maxConnectionsPerEndpoint}. */
    public int maxConnectionsPerLoop() {
        return maxConnectionsPerLoop;
    }

    /**
     * Nanoseconds until this endpoint may take requests again, as far as is known now: 0 when it is
     * available, the rest of its ejection when ejected, or -1 when only an active health check can bring
     * it back (the time of that is not known).
     */
    public long nanosUntilAvailable(long nowNanos) {
        if (!activeHealthy) {
            return -1;
        }
        long until = ejectedUntil.get();
        return until == 0 || nowNanos - until >= 0 ? 0 : until - nowNanos;
    }

    /** Whether requests may go here now: healthy by the active check and not ejected. */
    public boolean available(long nowNanos) {
        if (!activeHealthy) {
            return false;
        }
        long until = ejectedUntil.get();
        if (until == 0) {
            return true;
        }
        if (nowNanos - until < 0) {
            return false;
        }
        if (ejectedUntil.compareAndSet(until, 0)) {
            lastEjectionEnd = nowNanos;
            cluster.ejectedCount.decrementAndGet();
        }
        return true;
    }

    public int outstanding() {
        return outstanding.get();
    }

    public void attemptStarted() {
        outstanding.incrementAndGet();
        cluster.metrics().request(this);
    }

    public void attemptEnded() {
        outstanding.decrementAndGet();
    }

    /** A response head arrived: a 5xx counts as a failure for passive health, anything else resets the count. */
    public void responded(int status) {
        if (status >= 500) {
            failed();
        } else if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** A connect failure, a reset or a timeout (or a 5xx, via {@link #responded}). */
    public void failed() {
        PassiveHealth ph = cluster.config().passiveHealth();
        int limit = ph.consecutiveFailures();
        if (limit == 0 || consecutiveFailures.incrementAndGet() < limit) {
            return;
        }
        long now = System.nanoTime();
        if (ejectedUntil.get() != 0 || !cluster.mayEject()) {
            return;
        }
        long maxNanos = ph.maxEjectionTime().toNanos();
        if (lastEjectionEnd != 0 && now - lastEjectionEnd > maxNanos) {
            ejections.set(0); // long enough in rotation: forget the earlier ejections
        }
        int n = Math.min(ejections.incrementAndGet(), 31);
        long base = ph.baseEjectionTime().toNanos();
        long length = base > (maxNanos >> (n - 1)) ? maxNanos : Math.min(maxNanos, base << (n - 1));
        long until = now + length;
        if (until == 0) {
            until = 1;
        }
        if (ejectedUntil.compareAndSet(0, until)) { // the slot mayEject took is now this ejection's
            consecutiveFailures.set(0);
            cluster.metrics().ejected(this);
        } else {
            cluster.ejectedCount.decrementAndGet(); // lost the race: give back the slot mayEject took
        }
    }

    /** One active probe's result; flips the verdict after the configured streak. Called from one thread. */
    public void probed(boolean ok, int healthyThreshold, int unhealthyThreshold) {
        if (ok == activeHealthy) {
            activeStreak = 0;
            return;
        }
        activeStreak++;
        if (activeStreak >= (ok ? healthyThreshold : unhealthyThreshold)) {
            activeStreak = 0;
            activeHealthy = ok;
            if (ok) {
                consecutiveFailures.set(0);
                if (ejectedUntil.getAndSet(0) != 0) {
                    cluster.ejectedCount.decrementAndGet();
                }
            }
        }
    }

    @Override
    public String toString() {
        return cluster.name() + "/" + id;
    }
}
