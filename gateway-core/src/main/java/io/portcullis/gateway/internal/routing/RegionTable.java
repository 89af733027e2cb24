package io.portcullis.gateway.internal.routing;

import java.util.Map;

/**
 * A read-only open-addressing hash table with String keys that is queried with a region of
 * another String and that region's {@link String#hashCode()}-compatible hash, which the caller
 * computes incrementally while scanning. This is what lets the router try every candidate prefix
 * (or host suffix) without cutting a substring per candidate.
 */
final class RegionTable<V> {

    private final String[] keys;
    private final int[] hashes;
    private final Object[] values;
    private final int mask;

    RegionTable(Map<String, V> entries) {
        int capacity = 2;
        while (capacity < entries.size() * 2) { // load factor <= 0.5: short probes, always a free slot
            capacity <<= 1;
        }
        keys = new String[capacity];
        hashes = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (Map.Entry<String, V> e : entries.entrySet()) {
            String key = e.getKey();
            int h = key.hashCode();
            int i = spread(h) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            hashes[i] = h;
            values[i] = e.getValue();
        }
    }

    /** The value for the key equal to {@code s[start, end)}, whose String hash is {@code hash}; or null. */
    @SuppressWarnings("unchecked")
    V get(int hash, String s, int start, int end) {
        int len = end - start;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            String k = keys[i];
            if (k == null) {
                return null;
            }
            if (hashes[i] == hash && k.length() == len && s.regionMatches(start, k, 0, len)) {
                return (V) values[i];
            }
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
