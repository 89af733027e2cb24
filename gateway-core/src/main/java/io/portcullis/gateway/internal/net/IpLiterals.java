package io.portcullis.gateway.internal.net;

/**
 * Syntax-only parsers for IP address literals, working on a region of a {@link CharSequence} so
 * that callers need not cut substrings. They never resolve names: anything that is not a literal
 * is simply rejected, which is what keeps DNS off the request path.
 *
 * <p>Accepted IPv4: exactly four dot-separated decimal parts, 0-255, without leading zeros
 * ({@code 010.0.0.1} is rejected because inet_aton would read it as octal). Accepted IPv6: RFC
 * 4291 text form, one {@code ::} at most, optional dotted IPv4 tail; no zone id ({@code %eth0}).
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** The IPv4 address in {@code s[start, end)} as an unsigned 32-bit value, or -1 if it is not one. */
    public static long parseIpv4(CharSequence s, int start, int end) {
        long result = 0;
        int parts = 0;
        int i = start;
        while (true) {
            int value = 0;
            int digits = 0;
            while (i < end) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                if (digits == 3 || (digits == 1 && value == 0)) {
                    return -1; // more than 3 digits, or a leading zero
                }
                value = value * 10 + (c - '0');
                digits++;
                i++;
            }
            if (digits == 0 || value > 255) {
                return -1;
            }
            result = (result << 8) | value;
            parts++;
            if (i == end) {
                return parts == 4 ? result : -1;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
    }

    /**
     * Parses the IPv6 address in {@code s[start, end)} into {@code out[0..16)} (network order).
     * {@code out} may be null to validate only.
     *
     * @return whether the region is an IPv6 literal; {@code out} is unspecified when it is not
     */
    public static boolean parseIpv6(CharSequence s, int start, int end, byte[] out) {
        if (end - start < 2) {
            return false;
        }
        int groups = 0;
        int compressAt = -1; // group index where "::" stands
        int i = start;
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return false;
            }
            compressAt = 0;
            i += 2;
        }
        while (i < end) {
            if (groups == 8) {
                return false;
            }
            int value = 0;
            int j = i;
            while (j < end) {
                int h = hexValue(s.charAt(j));
                if (h < 0) {
                    break;
                }
                if (j - i == 4) {
                    return false;
                }
                value = (value << 4) | h;
                j++;
            }
            if (j < end && s.charAt(j) == '.') {
                // dotted IPv4 tail: must be last and fill the final two groups
                if (groups > 6) {
                    return false;
                }
                long v4 = parseIpv4(s, i, end);
                if (v4 < 0) {
                    return false;
                }
                if (out != null) {
                    out[groups * 2] = (byte) (v4 >>> 24);
                    out[groups * 2 + 1] = (byte) (v4 >>> 16);
                    out[groups * 2 + 2] = (byte) (v4 >>> 8);
                    out[groups * 2 + 3] = (byte) v4;
                }
                groups += 2;
                break;
            }
            if (j == i) {
                return false; // empty group, e.g. ":::" or a stray character
            }
            if (out != null) {
                out[groups * 2] = (byte) (value >>> 8);
                out[groups * 2 + 1] = (byte) value;
            }
            groups++;
            if (j == end) {
                break;
            }
            if (s.charAt(j) != ':') {
                return false;
            }
            j++;
            if (j == end) {
                return false; // trailing single ':'
            }
            if (s.charAt(j) == ':') {
                if (compressAt >= 0) {
                    return false; // a second "::"
                }
                compressAt = groups;
                j++;
            }
            i = j;
        }
        if (compressAt < 0) {
            return groups == 8;
        }
        if (groups > 7) {
            return false; // "::" must stand for at least one zero group
        }
        if (out != null) {
            int tailBytes = (groups - compressAt) * 2;
            System.arraycopy(out, compressAt * 2, out, 16 - tailBytes, tailBytes);
            for (int b = compressAt * 2; b < 16 - tailBytes; b++) {
                out[b] = 0;
            }
        }
        return true;
    }

    /** The value of an ASCII hex digit, or -1 (unlike {@code Character.digit}, no non-ASCII digits). */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
