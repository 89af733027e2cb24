package io.portcullis.gateway.headers;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.policy.AttrKey;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code type: cors}: Cross-Origin Resource Sharing answered at the gateway.
 *
 * <p>Settings: {@code allowedOrigins} (exact {@code https://app.example.com}, or one wildcard label
 * {@code https://*.example.com}; {@code "*"} only without credentials), {@code allowedMethods}
 * (default GET, HEAD, POST), {@code allowedHeaders} (default none beyond the CORS-safelisted ones;
 * {@code "*"} allows whatever a preflight asks for), {@code exposedHeaders}, {@code allowCredentials}
 * (false), {@code maxAge} (10m).
 *
 * <p>A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin
 * is answered 204 by the gateway and never reaches the upstream; one from a disallowed origin, or
 * asking for a method or header not allowed, gets 403 without CORS headers. Actual requests pass
 * through; the response carries CORS headers only for an allowed origin, and always
 * {@code Vary: Origin}.
 */
public final class CorsProvider implements PolicyProvider {
    static final AsciiString ACAO = AsciiString.cached("access-control-allow-origin");
    static final AsciiString ACAC = AsciiString.cached("access-control-allow-credentials");
    static final AsciiString ACAM = AsciiString.cached("access-control-allow-methods");
    static final AsciiString ACAH = AsciiString.cached("access-control-allow-headers");
    static final AsciiString ACEH = AsciiString.cached("access-control-expose-headers");
    static final AsciiString ACMA = AsciiString.cached("access-control-max-age");
    static final AsciiString ACRM = AsciiString.cached("access-control-request-method");
    static final AsciiString ACRH = AsciiString.cached("access-control-request-headers");
    static final AsciiString TRUE = AsciiString.cached("true");
    static final AsciiString VARY_PREFLIGHT = AsciiString.cached(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    static final AttrKey<String> ALLOWED_ORIGIN = AttrKey.of("cors.allowedOrigin", String.class);

    @Override
    public String type() {
        return "cors";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        List<String> origins = spec.strings("allowedOrigins");
        ConfigException.check(!origins.isEmpty(), "settings.allowedOrigins", "missing (expected: at least one origin)");
        boolean credentials = spec.bool("allowCredentials", false);
        List<String> exact = new ArrayList<>();
        List<String[]> patterns = new ArrayList<>();
        boolean any = false;
        for (int i = 0; i < origins.size(); i++) {
            String o = origins.get(i).trim();
            String field = "settings.allowedOrigins[" + i + "]";
            if (o.equals("*")) {
                ConfigException.check(!credentials, field, "'*' cannot be combined with allowCredentials: true");
                any = true;
            } else {
                int star = o.indexOf('*');
                ConfigException.check(o.startsWith("https://") || o.startsWith("http://"), field,
                        "'" + o + "' (expected: scheme://host[:port], e.g. https://app.example.com)");
                ConfigException.check(!o.endsWith("/") && o.indexOf('/', o.indexOf("//") + 2) < 0, field,
                        "'" + o + "' has a path (an origin has none)");
                if (star < 0) {
                    exact.add(o.toLowerCase(Locale.ROOT));
                } else {
                    ConfigException.check(o.indexOf('*', star + 1) < 0 && o.startsWith("://*.", star - 3), field,
                            "'" + o + "' (expected: one wildcard label right after the scheme, e.g. https://*.example.com)");
                    patterns.add(new String[] {o.substring(0, star).toLowerCase(Locale.ROOT),
                        o.substring(star + 1).toLowerCase(Locale.ROOT)});
                }
            }
        }
        Set<String> methods = upper(spec.strings("allowedMethods"));
        if (methods.isEmpty()) {
            methods = Set.of("GET", "HEAD", "POST");
        }
        Set<String> headers = lower(spec.strings("allowedHeaders"));
        boolean anyHeader = headers.contains("*");
        Set<String> exposed = lower(spec.strings("exposedHeaders"));
        long maxAge = spec.duration("maxAge", java.time.Duration.ofMinutes(10)).toSeconds();
        return new Cors(Set.copyOf(exact), patterns.toArray(new String[0][]), any, credentials, methods,
                headers, anyHeader, AsciiString.cached(String.join(", ", methods)),
                headers.isEmpty() || anyHeader ? null : AsciiString.cached(String.join(", ", headers)),
                exposed.isEmpty() ? null : AsciiString.cached(String.join(", ", exposed)),
                AsciiString.cached(Long.toString(maxAge)));
    }

    private static Set<String> upper(List<String> in) {
        Set<String> out = new LinkedHashSet<>();
        in.forEach(s -> out.add(s.trim().toUpperCase(Locale.ROOT)));
        return out;
    }

    private static Set<String> lower(List<String> in) {
        Set<String> out = new LinkedHashSet<>();
        in.forEach(s -> out.add(s.trim().toLowerCase(Locale.ROOT)));
        return out;
    }

    /** The policy; every header value that does not depend on the request is built once. */
    record Cors(Set<String> exact, String[][] patterns, boolean anyOrigin, boolean credentials, Set<String> methods,
                Set<String> headers, boolean anyHeader, AsciiString methodsValue, AsciiString headersValue,
                AsciiString exposedValue, AsciiString maxAgeValue) implements Policy {

        @Override
        public Decision onRequest(RequestContext ctx) {
            String origin = ctx.requestHeaders().get(HttpHeaderNames.ORIGIN);
            if (origin == null) {
                return Decision.proceed();
            }
            boolean allowed = allowed(origin);
            String requestedMethod = ctx.requestHeaders().get(ACRM);
            if ("OPTIONS".equals(ctx.method()) && requestedMethod != null) {
                String requestedHeaders = ctx.requestHeaders().get(ACRH);
                if (!allowed || !methods.contains(requestedMethod.trim()) || !headersAllowed(requestedHeaders)) {
                    return Decision.respond(403, "this cross-origin request is not allowed");
                }
                HttpHeaders h = Decision.headers()
                        .set(ACAO, anyOrigin && !credentials ? "*" : origin)
                        .set(ACAM, methodsValue)
                        .set(ACMA, maxAgeValue)
                        .set(HttpHeaderNames.VARY, VARY_PREFLIGHT);
                if (requestedHeaders != null && !requestedHeaders.isBlank()) {
                    h.set(ACAH, anyHeader ? requestedHeaders : headersValue);
                }
                if (credentials) {
                    h.set(ACAC, TRUE);
                }
                return Decision.empty(204, h);
            }
            if (allowed) {
                ctx.attr(ALLOWED_ORIGIN, origin);
            }
            return Decision.proceed();
        }

        @Override
        public void onResponse(RequestContext ctx, HttpHeaders out) {
            String origin = ctx.attr(ALLOWED_ORIGIN);
            if (ctx.requestHeaders().contains(HttpHeaderNames.ORIGIN) && !variesOnOrigin(out)) {
                out.add(HttpHeaderNames.VARY, "Origin"); // caches must not reuse this answer for another origin
            }
            if (origin == null) {
                return;
            }
            out.set(ACAO, anyOrigin && !credentials ? "*" : origin);
            if (credentials) {
                out.set(ACAC, TRUE);
            }
            if (exposedValue != null) {
                out.set(ACEH, exposedValue);
            }
        }

        private static boolean variesOnOrigin(HttpHeaders out) {
            for (String v : out.getAll(HttpHeaderNames.VARY)) {
                if (v.toLowerCase(Locale.ROOT).contains("origin") || v.trim().equals("*")) {
                    return true;
                }
            }
            return false;
        }

        boolean allowed(String origin) {
            if (anyOrigin) {
                return true;
            }
            String o = origin.trim().toLowerCase(Locale.ROOT);
            if (exact.contains(o)) {
                return true;
            }
            for (String[] p : patterns) {
                if (o.length() > p[0].length() + p[1].length() && o.startsWith(p[0]) && o.endsWith(p[1])) {
                    String label = o.substring(p[0].length(), o.length() - p[1].length());
                    if (label.indexOf('.') < 0 && label.indexOf('/') < 0 && label.indexOf(':') < 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean headersAllowed(String requested) {
            if (requested == null || requested.isBlank() || anyHeader) {
                return true;
            }
            for (String h : requested.split(",")) {
                String name = h.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !headers.contains(name)) {
                    return false;
                }
            }
            return true;
        }
    }
}
