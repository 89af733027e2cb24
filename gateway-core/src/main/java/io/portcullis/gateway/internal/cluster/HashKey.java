package io.portcullis.gateway.internal.cluster;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The key a hash-balanced cluster routes on, compiled once from {@code header:NAME},
 * {@code cookie:NAME} or {@code client-ip}. A request without the key gets a random hash (so it
 * lands on a random endpoint, like Envoy).
 */
final class HashKey {
    private enum Kind { HEADER, COOKIE, CLIENT_IP }

    private final Kind kind;
    private final AsciiString header;
    private final String cookie;

    HashKey(String spec) {
        if (spec.equals("client-ip")) {
            kind = Kind.CLIENT_IP;
            header = null;
            cookie = null;
        } else if (spec.startsWith("header:")) {
            kind = Kind.HEADER;
            header = AsciiString.cached(spec.substring(7).toLowerCase(java.util.Locale.ROOT));
            cookie = null;
        } else {
            kind = Kind.COOKIE;
            header = null;
            cookie = spec.substring(7);
        }
    }

    long hash(HttpHeaders headers, InetAddress client) {
        switch (kind) {
            case CLIENT_IP:
                if (client != null) {
                    return HashRing.hash(client.getAddress());
                }
                break;
            case HEADER:
                String v = headers.get(header);
                if (v != null) {
                    return HashRing.hash(v, 0, v.length());
                }
                break;
            default:
                List<String> all = headers.getAll(HttpHeaderNames.COOKIE);
                for (int i = 0; i < all.size(); i++) {
                    long h = cookieHash(all.get(i));
                    if (h != 0) {
                        return h;
                    }
                }
        }
        return ThreadLocalRandom.current().nextLong();
    }

    /** The hash of this key's cookie value in one Cookie header ({@code a=1; b=2}), or 0 if it is absent. */
    private long cookieHash(String line) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ';')) {
                i++;
            }
            int eq = line.indexOf('=', i);
            int end = line.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            if (eq > 0 && eq < end && eq - i == cookie.length() && line.regionMatches(i, cookie, 0, cookie.length())) {
                int from = eq + 1;
                int to = end;
                while (to > from && line.charAt(to - 1) == ' ') {
                    to--;
                }
                if (to - from >= 2 && line.charAt(from) == '"' && line.charAt(to - 1) == '"') {
                    from++;
                    to--;
                }
                return HashRing.hash(line, from, to) | 1; // never 0: 0 means absent
            }
            i = end + 1;
        }
        return 0;
    }
}
