package io.portcullis.gateway.internal.netty;

import io.netty.handler.codec.http.HttpHeaders;
import io.portcullis.gateway.internal.net.Cidr;
import io.portcullis.gateway.internal.net.CidrSet;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * X-Forwarded-For/-Proto/-Host and RFC 7239 {@code Forwarded}. Incoming values are believed only
 * when the TCP peer is a trusted proxy; otherwise they are replaced, so a client cannot forge its
 * address. The effective client address is the right-most address in the chain that is not a
 * trusted proxy (what nginx calls {@code real_ip_recursive}).
 */
final class ForwardedHeaders {
    private ForwardedHeaders() {
    }

    /** The outcome for one request: the values to send upstream, and who the client really is. */
    record Result(String xForwardedFor, String xForwardedProto, String xForwardedHost, String forwarded,
                  InetAddress client, boolean peerTrusted) {
    }

    static Result compute(HttpHeaders in, ClientConnection connection, String scheme, String authority, CidrSet trusted) {
        InetAddress peer = connection.peer();
        String peerText = connection.peerText();
        boolean peerTrusted = !trusted.isEmpty() && trusted.contains(peer);
        String element = connection.forwardedElement(scheme, authority);
        if (!peerTrusted) {
            return new Result(peerText, scheme, authority, element, peer, false);
        }
        String xff = joined(in.getAll(HeaderRules.X_FORWARDED_FOR));
        String proto = in.get(HeaderRules.X_FORWARDED_PROTO);
        if (proto == null || !(proto.equals("http") || proto.equals("https"))) {
            proto = scheme;
        }
        String host = in.get(HeaderRules.X_FORWARDED_HOST);
        if (host == null || host.isEmpty() || !HeaderRules.validValue(host)) {
            host = authority;
        }
        String fwd = joined(in.getAll(HeaderRules.FORWARDED));
        InetAddress client = peer;
        if (xff != null) {
            client = rightmostUntrusted(xff, trusted, peer);
        }
        return new Result(xff == null ? peerText : xff + ", " + peerText, proto, host,
                fwd == null ? element : fwd + ", " + element, client, true);
    }

    private static InetAddress rightmostUntrusted(String xff, CidrSet trusted, InetAddress peer) {
        InetAddress client = peer;
        int end = xff.length();
        while (end > 0) {
            int comma = xff.lastIndexOf(',', end - 1);
            String token = xff.substring(comma + 1, end).trim();
            InetAddress a = Cidr.parseForwardedAddress(token);
            if (a == null) {
                break; // garbage in the chain: stop at the last address we could trust
            }
            client = a;
            if (!trusted.contains(a)) {
                break;
            }
            end = comma < 0 ? 0 : comma;
        }
        return client;
    }

    private static String joined(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        String v = values.size() == 1 ? values.get(0) : String.join(", ", values);
        v = v.trim();
        return v.isEmpty() || !HeaderRules.validValue(v) ? null : v;
    }

    static String forwardedElement(InetAddress peer, String peerText, String scheme, String authority) {
        StringBuilder sb = new StringBuilder(64).append("for=");
        if (peer instanceof Inet6Address) {
            sb.append("\"[").append(peerText).append("]\"");
        } else {
            sb.append(peerText);
        }
        sb.append(";proto=").append(scheme);
        if (authority != null && !authority.isEmpty()) {
            sb.append(";host=");
            boolean token = true;
            for (int i = 0; i < authority.length(); i++) {
                char c = authority.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
                    token = false;
                    break;
                }
            }
            if (token) {
                sb.append(authority);
            } else {
                sb.append('"');
                for (int i = 0; i < authority.length(); i++) {
                    char c = authority.charAt(i);
                    if (c == '"' || c == '\\') {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                sb.append('"');
            }
        }
        return sb.toString();
    }
}
