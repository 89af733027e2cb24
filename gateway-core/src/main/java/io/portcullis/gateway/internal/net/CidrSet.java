package io.portcullis.gateway.internal.net;

import java.net.InetAddress;
import java.util.List;

/**
 * An immutable set of {@link Cidr} ranges, e.g. the trusted proxies. Lookups are a linear scan
 * over the ranges (a handful is the norm), with one small array allocated
 * by {@link InetAddress#getAddress()} per call.
 */
public final class CidrSet {

    private static final CidrSet EMPTY = new CidrSet(new Cidr[0]);

    private final Cidr[] ranges;

    private CidrSet(Cidr[] ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses every entry with {@link Cidr#parse(String)}.
     *
     * @throws IllegalArgumentException naming the first bad entry and its index
     */
    public static CidrSet of(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            return EMPTY;
        }
        Cidr[] parsed = new Cidr[cidrs.size()];
        for (int i = 0; i < parsed.length; i++) {
            try {
                parsed[i] = Cidr.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[" + i + "] " + e.getMessage(), e);
            }
        }
        return new CidrSet(parsed);
    }

    /** Whether some range contains {@code address}; false for null. */
    public boolean contains(InetAddress address) {
        return Cidr.anyContains(ranges, address);
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    public int size() {
        return ranges.length;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(ranges);
    }
}
