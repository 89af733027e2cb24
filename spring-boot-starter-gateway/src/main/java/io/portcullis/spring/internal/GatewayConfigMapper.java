package io.portcullis.spring.internal;

import io.portcullis.gateway.ActiveHealthCheck;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.CompressionConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.ConnectionLimits;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.IpRules;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.gateway.PoolLimits;
import io.portcullis.gateway.RetryPolicy;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.acme.AcmeConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.spring.GatewayConfigCustomizer;
import io.portcullis.spring.InvalidGatewayPropertyException;
import io.portcullis.spring.PortcullisProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
            for (Map.Entry<String, PortcullisProperties.Cluster> c : p.getClusters().entrySet()) {
                String path = "clusters." + c.getKey();
                b.cluster(at(path, () -> cluster(c.getKey(), c.getValue())));
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
            if (p.getCompression() != null) {
                b.compression(at("compression", () -> compression(p.getCompression())));
            }
            b.trustedProxies(p.getTrustedProxies().toArray(String[]::new));
            b.ioThreads(p.getIoThreads());
            if (p.getTransport() != null) {
                b.transport(p.getTransport());
            }
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

    /**
     * The ACME settings of the listeners with {@code tls.acme}, by listener index (the properties'
     * listeners come first in the configuration, so the index is the configuration's too).
     */
    public static Map<Integer, AcmeConfig> acme(PortcullisProperties p) {
        try {
            Map<Integer, AcmeConfig> out = new LinkedHashMap<>();
            for (int i = 0; i < p.getListeners().size(); i++) {
                PortcullisProperties.Tls tls = p.getListeners().get(i).getTls();
                if (tls == null || tls.getAcme() == null) {
                    continue;
                }
                String path = "listeners[" + i + "].tls.acme";
                AcmeConfig a = at(path, () -> acmeConfig(tls.getAcme()));
                for (Map.Entry<Integer, AcmeConfig> e : out.entrySet()) {
                    // one certificate's files, two different orders: the managers would overwrite each other
                    ConfigException.check(e.getValue().equals(a) || !e.getValue().certificate().equals(a.certificate()),
                            path + ".storage", "holds the certificate for " + a.domains().get(0) + " that listeners["
                                    + e.getKey() + "].tls.acme orders differently (expected: the same acme settings, or another storage directory)");
                }
                out.put(i, a);
            }
            return out;
        } catch (ConfigException e) {
            throw invalid(e, p.getRoutes().size());
        }
    }

    private static AcmeConfig acmeConfig(PortcullisProperties.Acme a) {
        URI url = AcmeConfig.directory(ConfigException.required(a.getDirectory(), "directory",
                "the CA's directory URL, lets-encrypt or lets-encrypt-staging"));
        ConfigException.check(!a.getDomains().isEmpty(), "domains", "missing (expected: at least one domain name)");
        AcmeConfig c = AcmeConfig.of(url, a.getStorage(), a.getDomains().toArray(String[]::new))
                .withAgreeToTerms(a.isAgreeToTerms()).withEmail(a.getEmail()).withKeyType(a.getKeyType())
                .withDirectoryCa(a.getDirectoryCa()).withRenewBefore(a.getRenewBefore()).withChallenge(a.getChallenge());
        if (a.getEab() != null) {
            ConfigException.required(a.getEab().getKeyId(), "eab.keyId", "the EAB key id the CA gave");
            ConfigException.required(a.getEab().getHmacKey(), "eab.hmacKey", "the EAB HMAC key (base64url) the CA gave");
            c = c.withEab(a.getEab().getKeyId(), a.getEab().getHmacKey());
        }
        if (a.getRedis() != null) {
            PortcullisProperties.AcmeRedis r = a.getRedis();
            c = c.withRedis(at("redis", () -> new AcmeConfig.Redis(r.getUri(),
                    r.getKeyPrefix() == null ? AcmeConfig.Redis.DEFAULT_PREFIX : r.getKeyPrefix())));
        }
        return c;
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
        if (t.getAcme() != null) {
            ConfigException.check(t.getCertificates().isEmpty(), "acme",
                    "set together with certificates (expected: certificate files or acme, not both)");
            // the files the ACME manager keeps up to date (a placeholder until the first certificate)
            certs.add(at("acme", () -> acmeConfig(t.getAcme())).certificate());
        }
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
        PortcullisProperties.Upstream u = r.getUpstream();
        boolean upstreamSet = u != null && (u.getUrl() != null || u.isApp());
        ConfigException.check(r.getCluster() == null || !upstreamSet, "cluster",
                "set together with upstream (expected: one of the two)");
        List<PolicySpec> policies = policies(r.getPolicies());
        String id = r.getId();
        if (id == null || id.isBlank()) {
            // the builder's default: hosts + path
            id = (r.getHosts().isEmpty() ? "" : String.join(",", r.getHosts())) + (r.getPath() == null ? path : r.getPath()); // no path: its own error, not a missing id
        }
        // the builder rather than the canonical constructor: a component added to the record later keeps its default
        RouteConfig.Builder b = r.getPathMatch() == RouteConfig.PathMatch.EXACT
                ? RouteConfig.exact(r.getPath()) : RouteConfig.prefix(r.getPath());
        b.id(id).host(r.getHosts().toArray(String[]::new)).methods(r.getMethods().toArray(String[]::new));
        if (r.getCluster() != null) {
            b.toCluster(r.getCluster());
        } else {
            b.to(at("upstream", () -> upstream(u == null ? new PortcullisProperties.Upstream() : u, app, appPort)));
        }
        rewrite(b, r.getRewrite(), r.getRewriteTo());
        if (r.getMaxRequestBodyBytes() != null) {
            b.maxRequestBodyBytes(r.getMaxRequestBodyBytes());
        }
        policies.forEach(b::policy);
        b.upstreamConnectTimeout(r.getUpstreamConnectTimeout()).upstreamResponseTimeout(r.getUpstreamResponseTimeout())
                .websocket(r.isWebsocket());
        if (r.getCompression() != null) {
            b.compression(at("compression", () -> compression(r.getCompression())));
        }
        return b.build();
    }

    private static void rewrite(RouteConfig.Builder b, RouteConfig.Rewrite rewrite, String rewriteTo) {
        if (rewrite == RouteConfig.Rewrite.REPLACE_PREFIX) {
            b.replacePrefix(rewriteTo);
            return;
        }
        ConfigException.check(rewriteTo == null, "rewriteTo", "set without rewrite REPLACE_PREFIX");
        if (rewrite == RouteConfig.Rewrite.STRIP_PREFIX) {
            b.stripPrefix();
        }
    }

    private static RouteConfig appRoute(PortcullisProperties.App app, int port) {
        UpstreamConfig upstream = at("host", () -> appUpstream(app, port, app.isPreserveHost()));
        RouteConfig.Builder b = RouteConfig.prefix(app.getPath()).id(app.getId()).to(upstream);
        if (app.getMaxRequestBodyBytes() != null) {
            b.maxRequestBodyBytes(app.getMaxRequestBodyBytes());
        }
        policies(app.getPolicies()).forEach(b::policy);
        b.upstreamConnectTimeout(app.getUpstreamConnectTimeout()).upstreamResponseTimeout(app.getUpstreamResponseTimeout())
                .websocket(app.isWebsocket());
        if (app.getCompression() != null) {
            b.compression(at("compression", () -> compression(app.getCompression())));
        }
        return b.build();
    }

    private static ClusterConfig cluster(String name, PortcullisProperties.Cluster c) {
        ClusterConfig.Builder b = ClusterConfig.builder(name);
        for (int i = 0; i < c.getEndpoints().size(); i++) {
            PortcullisProperties.Endpoint e = c.getEndpoints().get(i);
            b.endpoint(at("endpoints[" + i + "]", () -> {
                ConfigException.required(e.getUrl(), "url", "http://host:port or https://host:port");
                return EndpointConfig.of(e.getUrl(), e.getWeight());
            }));
        }
        b.balancing(new LoadBalancing(c.getBalancing(), c.getHashKey()));
        if (c.getPool() != null) {
            b.pool(at("pool", () -> pool(c.getPool())));
        }
        if (c.getPassiveHealth() != null) {
            b.passiveHealth(at("passiveHealth", () -> passiveHealth(c.getPassiveHealth())));
        }
        if (c.getActiveHealth() != null) {
            b.activeHealth(at("activeHealth", () -> activeHealth(c.getActiveHealth())));
        }
        if (c.getRetries() != null) {
            b.retries(at("retries", () -> retries(c.getRetries())));
        }
        b.connectTimeout(c.getConnectTimeout()).responseTimeout(c.getResponseTimeout())
                .trustedCertificates(c.getTrustedCertificates()).preserveHost(c.isPreserveHost()).sni(c.getSni());
        if (c.getProtocol() != null) {
            b.protocol(c.getProtocol());
        }
        if (c.getClientCertificate() != null) {
            b.clientCertificate(at("clientCertificate", () -> certificate(c.getClientCertificate())));
        }
        return b.build();
    }

    private static PoolLimits pool(PortcullisProperties.Pool p) {
        PoolLimits d = PoolLimits.defaults();
        return new PoolLimits(or(p.getMaxConnectionsPerEndpoint(), d.maxConnectionsPerEndpoint()),
                or(p.getMaxPendingRequests(), d.maxPendingRequests()), or(p.getIdleTimeout(), d.idleTimeout()),
                or(p.getMaxRequestsPerConnection(), d.maxRequestsPerConnection()));
    }

    private static PassiveHealth passiveHealth(PortcullisProperties.PassiveHealth p) {
        PassiveHealth d = PassiveHealth.defaults();
        return new PassiveHealth(or(p.getConsecutiveFailures(), d.consecutiveFailures()),
                or(p.getBaseEjectionTime(), d.baseEjectionTime()), or(p.getMaxEjectionTime(), d.maxEjectionTime()),
                or(p.getMaxEjectionPercent(), d.maxEjectionPercent()));
    }

    private static ActiveHealthCheck activeHealth(PortcullisProperties.ActiveHealth a) {
        ActiveHealthCheck d = ActiveHealthCheck.of(a.getPath());
        return new ActiveHealthCheck(d.path(), or(a.getInterval(), d.interval()), or(a.getTimeout(), d.timeout()),
                or(a.getHealthyThreshold(), d.healthyThreshold()), or(a.getUnhealthyThreshold(), d.unhealthyThreshold()),
                or(a.getExpectedStatusMin(), d.expectedStatusMin()), or(a.getExpectedStatusMax(), d.expectedStatusMax()));
    }

    private static RetryPolicy retries(PortcullisProperties.Retries r) {
        RetryPolicy d = RetryPolicy.defaults();
        return new RetryPolicy(or(r.getMaxRetries(), d.maxRetries()), or(r.getBudgetPercent(), d.budgetPercent()),
                or(r.getMinRetriesPerSecond(), d.minRetriesPerSecond()));
    }

    private static CompressionConfig compression(PortcullisProperties.Compression c) {
        return new CompressionConfig(c.isEnabled(), or(c.getMinSize(), CompressionConfig.DEFAULT_MIN_SIZE),
                or(c.getTypes(), CompressionConfig.DEFAULT_TYPES), or(c.getLevel(), CompressionConfig.DEFAULT_LEVEL));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
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
        if (t.getWebsocketIdle() != null) b.websocketIdle(t.getWebsocketIdle());
        return b.build();
    }
}
