package io.portcullis.gateway;

import io.portcullis.gateway.internal.net.Cidr;
import java.util.List;

/**
 * Which TCP peers a listener accepts, by CIDR (IPv4 and IPv6: {@code 10.0.0.0/8},
 * {@code 2001:db8::/32}, {@code ::1/128}). A peer on {@code deny} is refused, and with a non-empty
 * {@code allow}, so is every peer not on it; {@code deny} wins. A refused connection is closed as
 * soon as it is accepted (before TLS) and counted in {@code portcullis.connections.rejected}.
 *
 * <p>These rules see only the TCP peer: behind a load balancer that is the balancer. To filter the
 * client address a trusted proxy forwards, use the {@code ip-rules} policy (gateway-wide or per route).
 *
 * @param allow if not empty, only these peers are accepted
 * @param deny  these peers are refused
 */
public record IpRules(List<String> allow, List<String> deny) {

    private static final IpRules NONE = new IpRules(List.of(), List.of());

    public IpRules {
        allow = List.copyOf(allow == null ? List.of() : allow);
        deny = List.copyOf(deny == null ? List.of() : deny);
        check(allow, "allow");
        check(deny, "deny");
    }

    private static void check(List<String> cidrs, String field) {
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                Cidr.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(field + "[" + i + "]", e.getMessage());
            }
        }
    }

    /** No rules: every peer is accepted. */
    public static IpRules none() {
        return NONE;
    }

    /** Only these peers are accepted. */
    public static IpRules allow(String... cidrs) {
        return new IpRules(List.of(cidrs), List.of());
    }

    /** These peers are refused. */
    public static IpRules deny(String... cidrs) {
        return new IpRules(List.of(), List.of(cidrs));
    }

    /** Whether any rule is set. */
    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }
}
