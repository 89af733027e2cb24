package io.portcullis.examples.plugin;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An example third-party policy, {@code type: example-tenant}: maps the request's host to a tenant
 * id and forwards it as a header, refusing hosts it does not know. It shows the whole plugin
 * contract: a {@link PolicyProvider} listed in
 * {@code META-INF/services/io.portcullis.gateway.policy.PolicyProvider}, settings read (and
 * validated) once at start through {@link PolicySpec}, and a policy that never blocks.
 *
 * <pre>
 * policies:
 *   - type: example-tenant
 *     header: X-Tenant             # default
 *     tenants: ["acme.example.com=acme", "globex.example.com=globex"]
 * </pre>
 */
public final class TenantHeaderProvider implements PolicyProvider {

    @Override
    public String type() {
        return "example-tenant";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        String header = spec.string("header", "X-Tenant").toLowerCase(Locale.ROOT);
        Map<String, String> tenants = new TreeMap<>();
        var entries = spec.strings("tenants");
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i);
            int eq = e.indexOf('=');
            ConfigException.check(eq > 0 && eq < e.length() - 1, "settings.tenants[" + i + "]",
                    "'" + e + "' (expected: host=tenant)");
            tenants.put(e.substring(0, eq).trim().toLowerCase(Locale.ROOT), e.substring(eq + 1).trim());
        }
        ConfigException.check(!tenants.isEmpty(), "settings.tenants", "missing (expected: at least one host=tenant)");
        Map<String, String> byHost = Map.copyOf(tenants);
        return ctx -> {
            ctx.requestHeaders().remove(header); // a client must not choose its own tenant
            String tenant = byHost.get(ctx.host());
            if (tenant == null) {
                return Decision.respond(403, "unknown tenant");
            }
            ctx.requestHeaders().set(header, tenant);
            return Decision.proceed();
        };
    }
}
