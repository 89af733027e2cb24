package io.portcullis.gateway.internal.cluster;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two random choices: of two distinct random candidates, the one with fewer requests in
 * flight (ties: the first drawn). Nearly as good as scanning for the least loaded, without herding
 * every loop onto the same endpoint. Weights are not used.
 */
final class LeastRequest implements Balancer {
    private final Endpoint[] endpoints;

    LeastRequest(Endpoint[] endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public Endpoint pick(int loop, long hash, BitSet excluded, long nowNanos) {
        int candidates = 0;
        for (Endpoint e : endpoints) {
            if (Balancer.candidate(e, excluded, nowNanos)) {
                candidates++;
            }
        }
        if (candidates == 0) {
            return null;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(candidates);
        Endpoint a = nth(first, excluded, nowNanos);
        if (candidates == 1) {
            return a;
        }
        int second = random.nextInt(candidates - 1);
        if (second >= first) {
            second++; // a distinct second draw
        }
        Endpoint b = nth(second, excluded, nowNanos);
        if (a == null || b == null) {
            return a != null ? a : b; // availability changed under us
        }
        return b.outstanding() < a.outstanding() ? b : a;
    }

    private Endpoint nth(int rank, BitSet excluded, long nowNanos) {
        int seen = 0;
        for (Endpoint e : endpoints) {
            if (Balancer.candidate(e, excluded, nowNanos) && seen++ == rank) {
                return e;
            }
        }
        return null;
    }
}
