package io.portcullis.gateway.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Consistent hashing on a ring (ketama style): each endpoint owns {@link #POINTS_PER_WEIGHT} points
 * per unit of weight, placed by hashing its id; a key goes to the owner of the first point at or
 * after the key's hash. When an endpoint leaves (removed, ejected, failing its check) only its keys
 * move, to the next points' owners; the rest stay put. Built once per cluster, read-only after.
 */
final class HashRing implements Balancer {
    static final int POINTS_PER_WEIGHT = 160;
    /** Caps the ring's size whatever the weights: memory stays bounded. */
    private static final int MAX_POINTS = 100_000;

    private final Endpoint[] endpoints;
    private final long[] points;
    private final int[] owners;

    HashRing(Endpoint[] endpoints) {
        this.endpoints = endpoints;
        long totalWeight = 0;
        for (Endpoint e : endpoints) {
            totalWeight += e.weight();
        }
        double scale = Math.min(1.0, MAX_POINTS / (double) (totalWeight * POINTS_PER_WEIGHT));
        int size = 0;
        int[] counts = new int[endpoints.length];
        for (Endpoint e : endpoints) {
            counts[e.index()] = Math.max(1, (int) (e.weight() * POINTS_PER_WEIGHT * scale));
            size += counts[e.index()];
        }
        long[] hashes = new long[size];
        int k = 0;
        for (Endpoint e : endpoints) {
            for (int p = 0; p < counts[e.index()]; p++) {
                hashes[k] = hash(e.id() + "#" + p);
                k++;
            }
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compareUnsigned(hashes[x], hashes[y]));
        points = new long[size];
        owners = new int[size];
        int[] ownerOf = new int[size];
        k = 0;
        for (Endpoint e : endpoints) {
            for (int p = 0; p < counts[e.index()]; p++) {
                ownerOf[k++] = e.index();
            }
        }
        for (int i = 0; i < size; i++) {
            points[i] = hashes[order[i]];
            owners[i] = ownerOf[order[i]];
        }
    }

    @Override
    public Endpoint pick(int loop, long hash, BitSet excluded, long nowNanos) {
        int start = firstAtOrAfter(hash);
        int n = points.length;
        BitSet seen = null;
        for (int step = 0; step < n; step++) {
            Endpoint e = endpoints[owners[(start + step) % n]];
            if (Balancer.candidate(e, excluded, nowNanos)) {
                return e;
            }
            if (step >= endpoints.length) {
                // many points of unavailable endpoints in a row: stop once every endpoint was looked at
                if (seen == null) {
                    seen = new BitSet(endpoints.length);
                }
                seen.set(e.index());
                if (seen.cardinality() == endpoints.length) {
                    return null;
                }
            }
        }
        return null;
    }

    private int firstAtOrAfter(long hash) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** 64-bit FNV-1a over UTF-8 bytes, then murmur3's finaliser for avalanche. */
    static long hash(String s) {
        return mix(fnv(s.getBytes(StandardCharsets.UTF_8), 0, -1));
    }

    /** FNV-1a over a char sequence's chars (low byte then high byte), without allocating. */
    static long hash(CharSequence s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return mix(h);
    }

    static long hash(byte[] b) {
        return mix(fnv(b, 0, b.length));
    }

    private static long fnv(byte[] b, int from, int to) {
        int end = to < 0 ? b.length : to;
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < end; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
