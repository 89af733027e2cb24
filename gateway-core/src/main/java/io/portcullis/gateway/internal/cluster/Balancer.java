package io.portcullis.gateway.internal.cluster;

import java.util.BitSet;

/** Picks an endpoint among those available and not excluded (already tried by this request). */
interface Balancer {
    /**
     * @param loop     the calling event loop's index, for per-loop state
     * @param hash     the request's key hash (only the hash balancer reads it)
     * @param excluded endpoint indexes not to pick, or null
     * @return the endpoint, or null when none is available
     */
    Endpoint pick(int loop, long hash, BitSet excluded, long nowNanos);

    static boolean candidate(Endpoint e, BitSet excluded, long nowNanos) {
        return (excluded == null || !excluded.get(e.index())) && e.available(nowNanos);
    }
}
