package io.portcullis.gateway.headers;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: security-headers}: a strict default set of response security headers, applied to
 * proxied responses and to the gateway's own (404, 429, 502, ...), like nginx's
 * {@code add_header ... always}. Every header can be changed or turned off ({@code ""}); a header
 * the upstream already set is kept unless {@code override: true}. {@code Server} and
 * {@code X-Powered-By} are removed ({@code removeServerHeaders: false} keeps them).
 *
 * <p>Settings and defaults: {@code hstsMaxAge: 365d}, {@code hstsIncludeSubDomains: true},
 * {@code hstsPreload: false} (HSTS is sent only on TLS), {@code contentSecurityPolicy:
 * "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"},
 * {@code frameOptions: DENY}, {@code contentTypeOptions: nosniff}, {@code referrerPolicy:
 * strict-origin-when-cross-origin}, {@code permissionsPolicy: "camera=(), microphone=(),
 * geolocation=(), payment=(), usb=()"}, {@code crossOriginOpenerPolicy: same-origin},
 * {@code crossOriginResourcePolicy: same-origin}.
 */
public final class SecurityHeadersProvider implements PolicyProvider {

    @Override
    public String type() {
        return "security-headers";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        long maxAge = spec.duration("hstsMaxAge", java.time.Duration.ofDays(365)).toSeconds();
        boolean sub = spec.bool("hstsIncludeSubDomains", true);
        boolean preload = spec.bool("hstsPreload", false);
        String hsts = maxAge < 0 ? "" : "max-age=" + maxAge + (sub ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
        List<AsciiString[]> always = new ArrayList<>();
        add(always, "content-security-policy", spec.string("contentSecurityPolicy",
                "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"));
        add(always, "x-frame-options", spec.string("frameOptions", "DENY"));
        add(always, "x-content-type-options", spec.string("contentTypeOptions", "nosniff"));
        add(always, "referrer-policy", spec.string("referrerPolicy", "strict-origin-when-cross-origin"));
        add(always, "permissions-policy", spec.string("permissionsPolicy",
                "camera=(), microphone=(), geolocation=(), payment=(), usb=()"));
        add(always, "cross-origin-opener-policy", spec.string("crossOriginOpenerPolicy", "same-origin"));
        add(always, "cross-origin-resource-policy", spec.string("crossOriginResourcePolicy", "same-origin"));
        boolean override = spec.bool("override", false);
        boolean removeServer = spec.bool("removeServerHeaders", true);
        if (preload && (!sub || maxAge < 31_536_000)) {
            throw new io.portcullis.gateway.ConfigException("settings.hstsPreload",
                    "true needs hstsIncludeSubDomains: true and hstsMaxAge of at least 365d (the preload list's rules)");
        }
        return new SecurityHeaders(always.toArray(new AsciiString[0][]),
                hsts.isEmpty() ? null : AsciiString.cached(hsts), override, removeServer);
    }

    private static void add(List<AsciiString[]> list, String name, String value) {
        if (value != null && !value.isBlank()) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new io.portcullis.gateway.ConfigException("settings." + name, "has a control character");
                }
            }
            list.add(new AsciiString[] {AsciiString.cached(name), AsciiString.cached(value.trim())});
        }
    }

    /** The policy: header names and values precomputed once; nothing built per request. */
    static final class SecurityHeaders implements Policy {
        private static final AsciiString HSTS = AsciiString.cached("strict-transport-security");
        private static final AsciiString SERVER = AsciiString.cached("server");
        private static final AsciiString POWERED_BY = AsciiString.cached("x-powered-by");

        private final AsciiString[][] headers;
        private final AsciiString hsts;
        private final boolean override;
        private final boolean removeServer;

        SecurityHeaders(AsciiString[][] headers, AsciiString hsts, boolean override, boolean removeServer) {
            this.headers = headers;
            this.hsts = hsts;
            this.override = override;
            this.removeServer = removeServer;
        }

        @Override
        public Decision onRequest(RequestContext ctx) {
            return Decision.proceed();
        }

        @Override
        public void onResponse(RequestContext ctx, HttpHeaders out) {
            for (AsciiString[] h : headers) {
                if (override || !out.contains(h[0])) {
                    out.set(h[0], h[1]);
                }
            }
            if (hsts != null && ctx.secure() && (override || !out.contains(HSTS))) {
                out.set(HSTS, hsts);
            }
            if (removeServer) {
                out.remove(SERVER);
                out.remove(POWERED_BY);
            }
        }
    }
}
