package io.portcullis.gateway.internal.net;

import java.net.InetAddress;

/**
 * A client address cut to the part that identifies one client, as a map key: an IPv4 address
 * whole (also when seen IPv4-mapped, {@code ::ffff:a.b.c.d}), an IPv6 address by its first
 * {@code ipv6Prefix} bits, because one subscriber usually holds a whole /64 and can pick any
 * address in it.
 */
public record ClientPrefix(long hi, long lo) {

    /** {@code address} cut to its client prefix; {@code ipv6Prefix} is 1-128. */
    public static ClientPrefix of(InetAddress address, int ipv6Prefix) {
        byte[] b = address.getAddress();
        long hi = Cidr.high(b);
        long lo = Cidr.low(b);
        boolean v4 = hi == 0 && (lo >>> 32) == 0xFFFFL;
        if (!v4 && ipv6Prefix < 128) {
            long maskHi = ipv6Prefix >= 64 ? -1L : -1L << (64 - ipv6Prefix);
            long maskLo = ipv6Prefix <= 64 ? 0L : -1L << (128 - ipv6Prefix);
            hi &= maskHi;
            lo &= maskLo;
        }
        return new ClientPrefix(hi, lo);
    }
}
