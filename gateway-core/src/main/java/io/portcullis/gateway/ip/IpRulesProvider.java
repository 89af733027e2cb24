package io.portcullis.gateway.ip;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.internal.net.CidrSet;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;

/**
 * {@code type: ip-rules}: allow and deny lists of CIDRs (IPv4 and IPv6, e.g. {@code 10.0.0.0/8},
 * {@code 2001:db8::/32}) checked against the client address (behind trusted proxies, the real
 * client). A denied address gets 403; with a non-empty {@code allow} list, so does every address
 * not on it. {@code deny} wins over {@code allow}.
 */
public final class IpRulesProvider implements PolicyProvider {

    @Override
    public String type() {
        return "ip-rules";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        CidrSet allow = cidrs(spec, "allow");
        CidrSet deny = cidrs(spec, "deny");
        ConfigException.check(!allow.isEmpty() || !deny.isEmpty(), "settings",
                "neither allow nor deny is set (expected: at least one list of CIDRs)");
        return ctx -> {
            var client = ctx.clientAddress();
            if (deny.contains(client) || (!allow.isEmpty() && !allow.contains(client))) {
                return Decision.respond(403, "access from this address is not allowed");
            }
            return Decision.proceed();
        };
    }

    private static CidrSet cidrs(PolicySpec spec, String key) {
        try {
            return CidrSet.of(spec.strings(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("settings." + key, e.getMessage());
        }
    }
}
