package io.portcullis.gateway.internal.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare
 * address means a single host). Parsing is literal-only and never touches DNS.
 *
 * <p>Internally every range is a 128-bit IPv6 range, IPv4 ranges living in the IPv4-mapped block
 * {@code ::ffff:0:0/96}. That is how a dual-stack socket sees IPv4 clients, and it makes
 * {@code 10.0.0.0/8} and {@code ::ffff:10.0.0.0/104} the same range: each contains both
 * {@code 10.1.2.3} and {@code ::ffff:10.1.2.3}. A consequence worth knowing: {@code ::/0} contains
 * every IPv4 address too, while {@code 0.0.0.0/0} contains no native IPv6 address.
 *
 * <p>An address with bits set beyond the prefix ({@code 10.0.0.1/8}) is rejected rather than
 * masked: in a trust list it is more likely a typo than an intent.
 */
public final class Cidr {

    /** ::ffff:0:0 in the low 64 bits: the IPv4-mapped prefix. */
    private static final long MAPPED_LO = 0x0000_FFFF_0000_0000L;

    private final long networkHi;
    private final long networkLo;
    private final long maskHi;
    private final long maskLo;
    private final String text;

    private Cidr(long networkHi, long networkLo, int prefix128, String text) {
        this.maskHi = prefix128 >= 64 ? -1L : prefix128 == 0 ? 0L : -1L << (64 - prefix128);
        this.maskLo = prefix128 <= 64 ? 0L : prefix128 == 128 ? -1L : -1L << (128 - prefix128);
        this.networkHi = networkHi;
        this.networkLo = networkLo;
        this.text = text;
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code 192.168.1.7} (= /32), {@code ::1/128}, {@code fd00::/8},
     * {@code ::ffff:10.0.0.0/104}. Surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException with a message naming the input and the problem
     */
    public static Cidr parse(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("missing CIDR (expected e.g. 10.0.0.0/8 or fd00::/8)");
        }
        String s = cidr.strip();
        int slash = s.indexOf('/');
        int addrEnd = slash < 0 ? s.length() : slash;
        boolean v6 = s.lastIndexOf(':', addrEnd) >= 0;
        int maxPrefix = v6 ? 128 : 32;
        int prefix = maxPrefix;
        if (slash >= 0) {
            prefix = parsePrefix(s, slash + 1);
            if (prefix < 0) {
                throw new IllegalArgumentException("'" + s + "': prefix length '" + s.substring(slash + 1)
                        + "' is not a number 0-" + maxPrefix);
            }
            if (prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + s + "': prefix length " + prefix + " out of range 0-"
                        + maxPrefix + " for " + (v6 ? "IPv6" : "IPv4"));
            }
        }
        long hi;
        long lo;
        int prefix128;
        if (v6) {
            byte[] b = new byte[16];
            if (!IpLiterals.parseIpv6(s, 0, addrEnd, b)) {
                throw notALiteral(s, addrEnd);
            }
            hi = toLong(b, 0);
            lo = toLong(b, 8);
            prefix128 = prefix;
        } else {
            long v4 = IpLiterals.parseIpv4(s, 0, addrEnd);
            if (v4 < 0) {
                throw notALiteral(s, addrEnd);
            }
            hi = 0;
            lo = MAPPED_LO | v4;
            prefix128 = 96 + prefix;
        }
        Cidr c = new Cidr(hi, lo, prefix128, s);
        if ((hi & ~c.maskHi) != 0 || (lo & ~c.maskLo) != 0) {
            throw new IllegalArgumentException("'" + s + "': address has bits set beyond the /" + prefix
                    + " prefix (expected the network address, e.g. " + networkText(s, addrEnd, c, v6) + ")");
        }
        return c;
    }

    private static IllegalArgumentException notALiteral(String s, int addrEnd) {
        return new IllegalArgumentException("'" + s + "': '" + s.substring(0, addrEnd)
                + "' is not an IPv4 or IPv6 address literal (host names are not allowed)");
    }

    private static String networkText(String s, int addrEnd, Cidr c, boolean v6) {
        long hi = c.networkHi & c.maskHi;
        long lo = c.networkLo & c.maskLo;
        return (v6 ? formatIpv6(hi, lo) : formatIpv4(lo)) + s.substring(addrEnd);
    }

    private static String formatIpv4(long lo) {
        return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }

    /** RFC 5952 text (longest run of two or more zero groups compressed); only for messages. */
    private static String formatIpv6(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static int parsePrefix(String s, int from) {
        int n = s.length() - from;
        if (n < 1 || n > 3) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * Whether {@code address} lies in this range. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d})
     * and plain IPv4 addresses are the same address here. Null is in no range.
     */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] b = address.getAddress();
        return contains(high(b), low(b));
    }

    boolean contains(long hi, long lo) {
        return (hi & maskHi) == networkHi && (lo & maskLo) == networkLo;
    }

    /** Whether any range in {@code set} contains {@code address}. */
    public static boolean anyContains(Cidr[] set, InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] b = address.getAddress();
        long hi = high(b);
        long lo = low(b);
        for (Cidr c : set) {
            if (c.contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An IP literal ({@code 10.1.2.3}, {@code 2001:db8::1}) as an {@link InetAddress}, or null if
     * {@code ip} is not exactly a literal. Never resolves names.
     */
    public static InetAddress parseLiteral(String ip) {
        return ip == null ? null : parseLiteral(ip, 0, ip.length());
    }

    /**
     * One address from X-Forwarded-For or a Forwarded {@code for=} value: surrounding whitespace
     * and double quotes are removed, then {@code [v6]}, {@code [v6]:port}, {@code v4},
     * {@code v4:port} or a bare {@code v6} is accepted. Returns null for anything else, including
     * the obfuscated identifiers of RFC 7239 ({@code unknown}, {@code _hidden}).
     */
    public static InetAddress parseForwardedAddress(String token) {
        if (token == null) {
            return null;
        }
        int start = 0;
        int end = token.length();
        while (start < end && isWhitespace(token.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(token.charAt(end - 1))) {
            end--;
        }
        if (end - start >= 2 && token.charAt(start) == '"' && token.charAt(end - 1) == '"') {
            start++;
            end--;
        }
        if (start == end) {
            return null;
        }
        if (token.charAt(start) == '[') {
            int close = token.indexOf(']', start);
            if (close < 0 || close >= end || !(close + 1 == end || isPort(token, close + 1, end))) {
                return null;
            }
            return parseV6(token, start + 1, close);
        }
        int colon = -1;
        for (int i = start; i < end; i++) {
            if (token.charAt(i) == ':') {
                if (colon >= 0) {
                    return parseV6(token, start, end); // two or more colons: a bare IPv6 address
                }
                colon = i;
            }
        }
        if (colon >= 0) {
            if (!isPort(token, colon, end)) {
                return null;
            }
            end = colon;
        }
        return parseV4(token, start, end);
    }

    /** ":digits" (1-65535) or an RFC 7239 obfuscated port ":_token", starting at the colon. */
    private static boolean isPort(String s, int colon, int end) {
        if (s.charAt(colon) != ':' || colon + 1 >= end) {
            return false;
        }
        if (s.charAt(colon + 1) == '_') {
            for (int i = colon + 2; i < end; i++) {
                char c = s.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '_' || c == '-';
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
        if (end - colon - 1 > 5) {
            return false;
        }
        int port = 0;
        for (int i = colon + 1; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static InetAddress parseLiteral(String s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s.charAt(i) == ':') {
                return parseV6(s, start, end);
            }
        }
        return parseV4(s, start, end);
    }

    private static InetAddress parseV4(String s, int start, int end) {
        long v4 = IpLiterals.parseIpv4(s, start, end);
        if (v4 < 0) {
            return null;
        }
        return byAddress(new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
    }

    private static InetAddress parseV6(String s, int start, int end) {
        byte[] b = new byte[16];
        return IpLiterals.parseIpv6(s, start, end, b) ? byAddress(b) : null;
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b); // no host name given: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only for a wrong length
        }
    }

    /** High 64 bits of an address as a 128-bit (IPv4-mapped where needed) value. */
    static long high(byte[] b) {
        return b.length == 4 ? 0L : toLong(b, 0);
    }

    /** Low 64 bits of an address as a 128-bit (IPv4-mapped where needed) value. */
    static long low(byte[] b) {
        if (b.length == 4) {
            return MAPPED_LO | ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        }
        return toLong(b, 8);
    }

    private static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            v = (v << 8) | (b[i] & 0xFFL);
        }
        return v;
    }

    private static void store(long v, byte[] b, int off) {
        for (int i = off + 7; i >= off; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.networkHi == networkHi && c.networkLo == networkLo
                && c.maskHi == maskHi && c.maskLo == maskLo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(networkHi * 31 + networkLo) * 31 + Long.hashCode(maskHi * 31 + maskLo);
    }

    /** The range as written (trimmed). */
    @Override
    public String toString() {
        return text;
    }
}
