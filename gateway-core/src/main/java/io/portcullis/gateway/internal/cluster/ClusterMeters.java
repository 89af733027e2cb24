package io.portcullis.gateway.internal.cluster;

import io.micrometer.core.instrument.Counter;
import io.portcullis.gateway.observe.GatewayMetrics;

/**
 * A cluster's meters, registered once when the cluster is built so that counting costs no lookup:
 * {@code portcullis.cluster.requests} and {@code .ejections} (cluster, endpoint),
 * {@code portcullis.cluster.retries} (cluster, result {@code sent} or {@code budget-exhausted}),
 * {@code portcullis.cluster.pending.overflow} (cluster) and the gauge
 * {@code portcullis.cluster.endpoint.healthy} (cluster, endpoint: 1 in rotation, 0 ejected or failing
 * its active check).
 */
public final class ClusterMeters {
    private final Counter[] requests;
    private final Counter[] ejections;
    private final Counter retries;
    private final Counter retriesDenied;
    private final Counter overflow;

    ClusterMeters(Cluster c, GatewayMetrics metrics) {
        int n = c.endpoints().length;
        requests = new Counter[n];
        ejections = new Counter[n];
        for (Endpoint e : c.endpoints()) {
            requests[e.index()] = metrics.clusterCounter("portcullis.cluster.requests", c.name(), "endpoint", e.id());
            ejections[e.index()] = metrics.clusterCounter("portcullis.cluster.ejections", c.name(), "endpoint", e.id());
            metrics.endpointHealth(c.name(), e.id(), () -> e.available(System.nanoTime()) ? 1 : 0);
        }
        retries = metrics.clusterCounter("portcullis.cluster.retries", c.name(), "result", "sent");
        retriesDenied = metrics.clusterCounter("portcullis.cluster.retries", c.name(), "result", "budget-exhausted");
        overflow = metrics.clusterCounter("portcullis.cluster.pending.overflow", c.name(), null, null);
    }

    void request(Endpoint e) {
        requests[e.index()].increment();
    }

    void ejected(Endpoint e) {
        ejections[e.index()].increment();
    }

    void retry(boolean sent) {
        (sent ? retries : retriesDenied).increment();
    }

    void pendingOverflow() {
        overflow.increment();
    }
}
