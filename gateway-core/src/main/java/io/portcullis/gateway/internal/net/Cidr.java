package io.portcullis.gateway.internal.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address block such as {@code 10.0.0.0/8} or {@code ::1/128}. A bare address
 * means a single host (/32 or /128). Parsing never touches DNS: only IP literals are accepted.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Parses {@code address[/prefix]}; throws {@link IllegalArgumentException} with the reason. */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty (expected: a CIDR such as 10.0.0.0/8 or ::1/128)");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] address = parseLiteral(addressPart, text);
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' has a malformed prefix length (expected: 0.." + max + ")");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix + " (expected: 0.." + max + ")");
            }
        }
        return new Cidr(mask(address, prefix), prefix);
    }

    /** Whether {@code address} lies in this block (an IPv4 address never matches an IPv6 block). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == network.length && Arrays.equals(mask(a, prefixLength), network);
    }

    public int prefixLength() {
        return prefixLength;
    }

    private static byte[] parseLiteral(String s, String original) {
        if (s.indexOf(':') >= 0) {
            // InetAddress treats anything with a colon as an IPv6 literal and never resolves it.
            String literal = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
            if (literal.indexOf('%') >= 0) {
                throw new IllegalArgumentException("'" + original + "' has a scope id (expected: a plain IP address)");
            }
            try {
                byte[] b = InetAddress.getByName(literal).getAddress();
                if (b.length == 16) {
                    return b;
                }
            } catch (UnknownHostException e) {
                // fall through to the common message
            }
            throw new IllegalArgumentException("'" + original + "' is not a valid IPv6 address");
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + original + "' is not an IP address (expected: a CIDR such as 10.0.0.0/8)");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                throw new IllegalArgumentException("'" + original + "' is not a valid IPv4 address");
            }
            b[i] = (byte) Integer.parseInt(p);
        }
        return b;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xFF << (8 - bits));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
