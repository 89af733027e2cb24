package io.portcullis.gateway.internal.cluster;

import java.util.BitSet;

/**
 * nginx's smooth weighted round robin: every pick adds each candidate's weight to its running
 * score, takes the highest, and subtracts the candidates' total weight from the winner. Weights
 * 5, 1, 1 give a a b a c a a rather than a a a a a b c. Each event loop keeps its own row of scores, so
 * picks take no lock; the proportions hold per loop and therefore overall.
 */
final class SmoothWeightedRoundRobin implements Balancer {
    private final Endpoint[] endpoints;
    /** Per event loop, per endpoint: the running score; each row is touched by its loop only. */
    private final int[][] scores;

    SmoothWeightedRoundRobin(Endpoint[] endpoints, int loops) {
        this.endpoints = endpoints;
        this.scores = new int[loops][endpoints.length];
    }

    @Override
    public Endpoint pick(int loop, long hash, BitSet excluded, long nowNanos) {
        int[] score = scores[loop];
        int total = 0;
        Endpoint best = null;
        for (Endpoint e : endpoints) {
            if (!Balancer.candidate(e, excluded, nowNanos)) {
                continue;
            }
            int i = e.index();
            score[i] += e.weight();
            total += e.weight();
            if (best == null || score[i] > score[best.index()]) {
                best = e;
            }
        }
        if (best != null) {
            score[best.index()] -= total;
        }
        return best;
    }
}
