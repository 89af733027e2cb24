package io.portcullis.spring.internal;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.ConnectionLimits;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.IpRules;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.spring.GatewayConfigCustomizer;
import io.portcullis.spring.InvalidGatewayPropertyException;
import io.portcullis.spring.PortcullisProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PortcullisProperties} to the core's {@link GatewayConfig}. Every value goes through the
 * core's own records, so validation and messages are the YAML server's; a {@link ConfigException}
 * comes out as an {@link InvalidGatewayPropertyException} naming the {@code portcullis.} property.
 */
public final class GatewayConfigMapper {
    private static final Pattern ROUTE_INDEX = Pattern.compile("^routes\\[(\\d+)]");

    private GatewayConfigMapper() {
    }

    /**
     * The configuration, with the app's route to {@code appPort} last when there is one (null: no
     * web server, or the app route is off). Customizers see the builder after the properties.
     */
    public static GatewayConfig toConfig(PortcullisProperties p, Integer appPort, List<GatewayConfigCustomizer> customizers) {
        int userRoutes = p.getRoutes().size();
        try {
            Gateway.Builder b = Gateway.builder();
            for (int i = 0; i < p.getListeners().size(); i++) {
                PortcullisProperties.Listener l = p.getListeners().get(i);
                b.listener(at("listeners[" + i + "]", () -> listener(l)));
            }
            for (int i = 0; i < userRoutes; i++) {
                PortcullisProperties.Route r = p.getRoutes().get(i);
                String path = "routes[" + i + "]";
                b.route(at(path, () -> route(r, path, p.getApp(), appPort)));
            }
            if (appPort != null && p.getApp().isEnabled()) {
                b.route(at("app", () -> appRoute(p.getApp(), appPort)));
            }
            for (int i = 0; i < p.getPolicies().size(); i++) {
                int index = i;
                b.policy(at("policies[" + i + "]", () -> policy(p.getPolicies().get(index))));
            }
            b.limits(at("limits", () -> limits(p.getLimits())));
            b.timeouts(at("timeouts", () -> timeouts(p.getTimeouts())));
            b.trustedProxies(p.getTrustedProxies().toArray(String[]::new));
            b.ioThreads(p.getIoThreads());
            b.healthPath(p.getHealthPath() == null || p.getHealthPath().isEmpty() ? null : p.getHealthPath());
            b.trustIncomingRequestId(p.isTrustIncomingRequestId());
            for (GatewayConfigCustomizer c : customizers) {
                c.customize(b);
            }
            return b.buildConfig();
        } catch (ConfigException e) {
            throw invalid(e, userRoutes);
        }
    }

    /** The property behind a core field path; routes past the configured ones are the app's. */
    public static InvalidGatewayPropertyException invalid(ConfigException e, int userRoutes) {
        String field = e.field();
        Matcher m = ROUTE_INDEX.matcher(field);
        if (m.find() && Integer.parseInt(m.group(1)) >= userRoutes) {
            field = "app" + field.substring(m.end());
        }
        return new InvalidGatewayPropertyException(PropertyNames.of(field), e.problem(), e);
    }

    private static <T> T at(String path, Supplier<T> part) {
        try {
            return part.get();
        } catch (ConfigException e) {
            throw e.field().startsWith(path) ? e : e.under(path);
        }
    }

    private static ListenerConfig listener(PortcullisProperties.Listener l) {
        ConfigException.required(l.getPort(), "port", "0-65535 (0 picks a free port)");
        TlsConfig tls = l.getTls() == null ? null : at("tls", () -> tls(l.getTls()));
        ConnectionLimits limits = new ConnectionLimits(l.getMaxConnections(), l.getMaxConnectionsPerClient(),
                l.getClientIpv6Prefix());
        IpRules rules = new IpRules(l.getAllow(), l.getDeny());
        return new ListenerConfig(l.getName(), l.getHost(), l.getPort(), l.getMode(), tls, l.getHttpsPort(), limits, rules);
    }

    private static TlsConfig tls(PortcullisProperties.Tls t) {
        List<CertificateConfig> certs = new ArrayList<>();
        for (int i = 0; i < t.getCertificates().size(); i++) {
            PortcullisProperties.Certificate c = t.getCertificates().get(i);
            certs.add(at("certificates[" + i + "]", () -> certificate(c)));
        }
        return new TlsConfig(certs, t.getProtocols(), t.getCipherSuites(), t.isSessionTickets(), t.getReloadInterval(),
                t.getClientAuth(), t.getClientCa());
    }

    private static CertificateConfig certificate(PortcullisProperties.Certificate c) {
        return new CertificateConfig(c.getCertificateChain(), c.getPrivateKey(), c.getServerNames());
    }

    private static RouteConfig route(PortcullisProperties.Route r, String path, PortcullisProperties.App app, Integer appPort) {
        UpstreamConfig upstream = at("upstream", () -> upstream(r.getUpstream(), app, appPort));
        List<PolicySpec> policies = policies(r.getPolicies());
        String id = r.getId();
        if (id == null || id.isBlank()) {
            // the builder's default: hosts + path
            id = (r.getHosts().isEmpty() ? "" : String.join(",", r.getHosts())) + (r.getPath() == null ? path : r.getPath()); // no path: its own error, not a missing id
        }
        return new RouteConfig(id, r.getHosts(), r.getPath(), r.getPathMatch(), new LinkedHashSet<>(r.getMethods()),
                upstream, r.getRewrite(), r.getRewriteTo(), r.getMaxRequestBodyBytes(), policies);
    }

    private static RouteConfig appRoute(PortcullisProperties.App app, int port) {
        UpstreamConfig upstream = at("host", () -> appUpstream(app, port, app.isPreserveHost()));
        return new RouteConfig(app.getId(), List.of(), app.getPath(), RouteConfig.PathMatch.PREFIX, null, upstream,
                null, null, app.getMaxRequestBodyBytes(), policies(app.getPolicies()));
    }

    private static UpstreamConfig appUpstream(PortcullisProperties.App app, int port, boolean preserveHost) {
        return new UpstreamConfig(uri("http://" + hostForUri(app.getHost()) + ":" + port), null, preserveHost);
    }

    private static String hostForUri(String host) {
        return host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static UpstreamConfig upstream(PortcullisProperties.Upstream u, PortcullisProperties.App app, Integer appPort) {
        if (u.isApp()) {
            ConfigException.check(u.getUrl() == null, "url", "set together with upstream.app (expected: one of them)");
            ConfigException.check(appPort != null, "app",
                    "true, but the application runs no embedded web server");
            return appUpstream(app, appPort, u.isPreserveHost());
        }
        ConfigException.required(u.getUrl(), "url", "http://host[:port] or https://host[:port]");
        CertificateConfig client = u.getClientCertificate() == null ? null
                : at("clientCertificate", () -> certificate(u.getClientCertificate()));
        return new UpstreamConfig(uri(u.getUrl()), u.getTrustedCertificates(), u.isPreserveHost(), client);
    }

    private static URI uri(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("url", "'" + url + "' is not a URL: " + e.getReason());
        }
    }

    private static List<PolicySpec> policies(List<PortcullisProperties.Policy> list) {
        List<PolicySpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            PortcullisProperties.Policy p = list.get(i);
            out.add(at("policies[" + i + "]", () -> policy(p)));
        }
        return out;
    }

    private static PolicySpec policy(PortcullisProperties.Policy p) {
        return new PolicySpec(p.getType(), PolicySettings.normalize(p.getSettings()));
    }

    private static Limits limits(PortcullisProperties.Limits l) {
        Limits.Builder b = Limits.builder();
        if (l.getMaxRequestLineBytes() != null) b.maxRequestLineBytes(l.getMaxRequestLineBytes());
        if (l.getMaxHeaderFieldBytes() != null) b.maxHeaderFieldBytes(l.getMaxHeaderFieldBytes());
        if (l.getMaxHeaderBlockBytes() != null) b.maxHeaderBlockBytes(l.getMaxHeaderBlockBytes());
        if (l.getMaxHeaderCount() != null) b.maxHeaderCount(l.getMaxHeaderCount());
        if (l.getMaxRequestBodyBytes() != null) b.maxRequestBodyBytes(l.getMaxRequestBodyBytes());
        if (l.getMaxConnections() != null) b.maxConnections(l.getMaxConnections());
        if (l.getH2MaxConcurrentStreams() != null) b.h2MaxConcurrentStreams(l.getH2MaxConcurrentStreams());
        if (l.getH2InitialWindowBytes() != null) b.h2InitialWindowBytes(l.getH2InitialWindowBytes());
        if (l.getH2MaxHeaderListBytes() != null) b.h2MaxHeaderListBytes(l.getH2MaxHeaderListBytes());
        if (l.getMaxClientHelloBytes() != null) b.maxClientHelloBytes(l.getMaxClientHelloBytes());
        return b.build();
    }

    private static Timeouts timeouts(PortcullisProperties.Timeouts t) {
        Timeouts.Builder b = Timeouts.builder();
        if (t.getTlsHandshake() != null) b.tlsHandshake(t.getTlsHandshake());
        if (t.getRequestHeaders() != null) b.requestHeaders(t.getRequestHeaders());
        if (t.getIdle() != null) b.idle(t.getIdle());
        if (t.getClientIdle() != null) b.clientIdle(t.getClientIdle());
        if (t.getUpstreamConnect() != null) b.upstreamConnect(t.getUpstreamConnect());
        if (t.getUpstreamResponse() != null) b.upstreamResponse(t.getUpstreamResponse());
        if (t.getRequest() != null) b.request(t.getRequest());
        if (t.getDrain() != null) b.drain(t.getDrain());
        return b.build();
    }
}
