package io.portcullis.spring;

import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded gateway's configuration under {@code portcullis.*}: the same model as the core's
 * {@link io.portcullis.gateway.GatewayConfig} (and the standalone server's YAML), in Spring's
 * property names. Unset values keep the core's defaults; validation is the core's, with its field
 * paths reported as {@code portcullis.} property names.
 */
@ConfigurationProperties("portcullis")
public class PortcullisProperties {

    /** Whether to run the embedded gateway; by default on once a listener or route is configured. */
    private Boolean enabled;

    /** Sockets the gateway listens on (the app's public ports). */
    private List<Listener> listeners = new ArrayList<>();

    /** Routes to other upstreams, in addition to the app's own route. */
    private List<Route> routes = new ArrayList<>();

    /** The route to this application's own web server. */
    private App app = new App();

    /** Gateway-wide policies: run before every route's own, and the only ones that see 404s. */
    private List<Policy> policies = new ArrayList<>();

    /** CIDRs whose X-Forwarded-* and Forwarded headers are believed (load balancers, CDNs). */
    private List<String> trustedProxies = new ArrayList<>();

    /** Event-loop threads; 0 = one per core. */
    private int ioThreads;

    /** Path the gateway answers itself on every listener (200, 503 while draining); empty disables it. */
    private String healthPath = "/healthz";

    /** Keep a well-formed incoming X-Request-Id instead of generating one. */
    private boolean trustIncomingRequestId = true;

    /** Size and count limits. */
    private Limits limits = new Limits();

    /** Time limits. */
    private Timeouts timeouts = new Timeouts();

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public List<Listener> getListeners() { return listeners; }
    public void setListeners(List<Listener> listeners) { this.listeners = listeners; }
    public List<Route> getRoutes() { return routes; }
    public void setRoutes(List<Route> routes) { this.routes = routes; }
    public App getApp() { return app; }
    public void setApp(App app) { this.app = app; }
    public List<Policy> getPolicies() { return policies; }
    public void setPolicies(List<Policy> policies) { this.policies = policies; }
    public List<String> getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
    public int getIoThreads() { return ioThreads; }
    public void setIoThreads(int ioThreads) { this.ioThreads = ioThreads; }
    public String getHealthPath() { return healthPath; }
    public void setHealthPath(String healthPath) { this.healthPath = healthPath; }
    public boolean isTrustIncomingRequestId() { return trustIncomingRequestId; }
    public void setTrustIncomingRequestId(boolean v) { this.trustIncomingRequestId = v; }
    public Limits getLimits() { return limits; }
    public void setLimits(Limits limits) { this.limits = limits; }
    public Timeouts getTimeouts() { return timeouts; }
    public void setTimeouts(Timeouts timeouts) { this.timeouts = timeouts; }

    /** One listening socket ({@link ListenerConfig}). */
    public static class Listener {
        /** Name for logs, metrics and the health details; default {@code <mode>-<port>}. */
        private String name;
        /** Bind address; default 0.0.0.0. */
        private String host;
        /** Port; 0 picks a free one. */
        private Integer port;
        /** HTTPS (TLS, ALPN h2 + http/1.1), HTTP (cleartext HTTP/1.1 + h2c) or REDIRECT (301 to https). */
        private ListenerConfig.Mode mode = ListenerConfig.Mode.HTTPS;
        /** Certificates and TLS policy (HTTPS only). */
        private Tls tls;
        /** Port named in the Location of a REDIRECT listener. */
        private int httpsPort;
        /** Open connections allowed on this listener; 0 = limits.max-connections. */
        private int maxConnections;
        /** Open connections allowed per client; 0 = no per-client limit. */
        private int maxConnectionsPerClient;
        /** IPv6 prefix length that makes one client; 0 = 64. */
        private int clientIpv6Prefix;
        /** TCP peers (CIDRs) allowed to connect; empty = everybody. */
        private List<String> allow = new ArrayList<>();
        /** TCP peers (CIDRs) refused at accept; wins over allow. */
        private List<String> deny = new ArrayList<>();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public Integer getPort() { return port; }
        public void setPort(Integer port) { this.port = port; }
        public ListenerConfig.Mode getMode() { return mode; }
        public void setMode(ListenerConfig.Mode mode) { this.mode = mode; }
        public Tls getTls() { return tls; }
        public void setTls(Tls tls) { this.tls = tls; }
        public int getHttpsPort() { return httpsPort; }
        public void setHttpsPort(int httpsPort) { this.httpsPort = httpsPort; }
        public int getMaxConnections() { return maxConnections; }
        public void setMaxConnections(int v) { this.maxConnections = v; }
        public int getMaxConnectionsPerClient() { return maxConnectionsPerClient; }
        public void setMaxConnectionsPerClient(int v) { this.maxConnectionsPerClient = v; }
        public int getClientIpv6Prefix() { return clientIpv6Prefix; }
        public void setClientIpv6Prefix(int v) { this.clientIpv6Prefix = v; }
        public List<String> getAllow() { return allow; }
        public void setAllow(List<String> allow) { this.allow = allow; }
        public List<String> getDeny() { return deny; }
        public void setDeny(List<String> deny) { this.deny = deny; }
    }

    /** TLS of an HTTPS listener ({@link TlsConfig}). */
    public static class Tls {
        /** Certificates; the first is the default (no SNI, or no match). */
        private List<Certificate> certificates = new ArrayList<>();
        /** Protocols; default TLSv1.3, TLSv1.2 (nothing older is accepted). */
        private List<String> protocols;
        /** TLS 1.2 suites; default ECDHE with AES-GCM or ChaCha20-Poly1305. */
        private List<String> cipherSuites;
        /** Stateless session resumption. */
        private boolean sessionTickets = true;
        /** How often the certificate files are checked for changes; default 2s. */
        private Duration reloadInterval;
        /** Mutual TLS: NONE, OPTIONAL or REQUIRE. */
        private TlsConfig.ClientAuth clientAuth;
        /** PEM bundle of the CAs client certificates must chain to (with client-auth). */
        private Path clientCa;

        public List<Certificate> getCertificates() { return certificates; }
        public void setCertificates(List<Certificate> certificates) { this.certificates = certificates; }
        public List<String> getProtocols() { return protocols; }
        public void setProtocols(List<String> protocols) { this.protocols = protocols; }
        public List<String> getCipherSuites() { return cipherSuites; }
        public void setCipherSuites(List<String> cipherSuites) { this.cipherSuites = cipherSuites; }
        public boolean isSessionTickets() { return sessionTickets; }
        public void setSessionTickets(boolean sessionTickets) { this.sessionTickets = sessionTickets; }
        public Duration getReloadInterval() { return reloadInterval; }
        public void setReloadInterval(Duration reloadInterval) { this.reloadInterval = reloadInterval; }
        public TlsConfig.ClientAuth getClientAuth() { return clientAuth; }
        public void setClientAuth(TlsConfig.ClientAuth clientAuth) { this.clientAuth = clientAuth; }
        public Path getClientCa() { return clientCa; }
        public void setClientCa(Path clientCa) { this.clientCa = clientCa; }
    }

    /** A certificate and its key, PEM files. */
    public static class Certificate {
        /** PEM certificate chain, leaf first. */
        private Path certificateChain;
        /** PEM private key (PKCS#8, PKCS#1 or SEC1), not encrypted. */
        private Path privateKey;
        /** SNI names; default the certificate's DNS SANs. */
        private List<String> serverNames = new ArrayList<>();

        public Path getCertificateChain() { return certificateChain; }
        public void setCertificateChain(Path certificateChain) { this.certificateChain = certificateChain; }
        public Path getPrivateKey() { return privateKey; }
        public void setPrivateKey(Path privateKey) { this.privateKey = privateKey; }
        public List<String> getServerNames() { return serverNames; }
        public void setServerNames(List<String> serverNames) { this.serverNames = serverNames; }
    }

    /** A route to another upstream ({@link RouteConfig}). */
    public static class Route {
        /** Unique name for logs and metrics; default hosts + path. */
        private String id;
        /** Exact or wildcard hosts; empty = any. */
        private List<String> hosts = new ArrayList<>();
        /** Path starting with /. */
        private String path;
        /** PREFIX (segment-aware) or EXACT. */
        private RouteConfig.PathMatch pathMatch;
        /** Upper-case methods; empty = any. */
        private List<String> methods = new ArrayList<>();
        /** Where matching requests go. */
        private Upstream upstream = new Upstream();
        /** NONE, STRIP_PREFIX or REPLACE_PREFIX. */
        private RouteConfig.Rewrite rewrite;
        /** The new prefix for REPLACE_PREFIX. */
        private String rewriteTo;
        /** Request body limit of this route; default limits.max-request-body-bytes. */
        private Long maxRequestBodyBytes;
        /** This route's policies, run after the gateway-wide ones. */
        private List<Policy> policies = new ArrayList<>();

        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public List<String> getHosts() { return hosts; }
        public void setHosts(List<String> hosts) { this.hosts = hosts; }
        public String getPath() { return path; }
        public void setPath(String path) { this.path = path; }
        public RouteConfig.PathMatch getPathMatch() { return pathMatch; }
        public void setPathMatch(RouteConfig.PathMatch pathMatch) { this.pathMatch = pathMatch; }
        public List<String> getMethods() { return methods; }
        public void setMethods(List<String> methods) { this.methods = methods; }
        public Upstream getUpstream() { return upstream; }
        public void setUpstream(Upstream upstream) { this.upstream = upstream; }
        public RouteConfig.Rewrite getRewrite() { return rewrite; }
        public void setRewrite(RouteConfig.Rewrite rewrite) { this.rewrite = rewrite; }
        public String getRewriteTo() { return rewriteTo; }
        public void setRewriteTo(String rewriteTo) { this.rewriteTo = rewriteTo; }
        public Long getMaxRequestBodyBytes() { return maxRequestBodyBytes; }
        public void setMaxRequestBodyBytes(Long v) { this.maxRequestBodyBytes = v; }
        public List<Policy> getPolicies() { return policies; }
        public void setPolicies(List<Policy> policies) { this.policies = policies; }
    }

    /** An upstream origin: a URL, or the application's own web server. */
    public static class Upstream {
        /** http://host[:port] or https://host[:port], without a path. */
        private String url;
        /**
         * Route to the application's own web server (on the port it bound, at app.host) instead of
         * a URL: for paths of the app that need their own policies (JWT on /api, a tight rate limit
         * on /login).
         */
        private boolean app;
        /** PEM CA bundle for an https upstream; default the JDK trust store. */
        private Path trustedCertificates;
        /** Send the client's Host (true) or the upstream's authority (false). */
        private boolean preserveHost = true;
        /** Certificate the gateway presents to an https upstream that requires mutual TLS. */
        private Certificate clientCertificate;

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public boolean isApp() { return app; }
        public void setApp(boolean app) { this.app = app; }
        public Path getTrustedCertificates() { return trustedCertificates; }
        public void setTrustedCertificates(Path v) { this.trustedCertificates = v; }
        public boolean isPreserveHost() { return preserveHost; }
        public void setPreserveHost(boolean preserveHost) { this.preserveHost = preserveHost; }
        public Certificate getClientCertificate() { return clientCertificate; }
        public void setClientCertificate(Certificate v) { this.clientCertificate = v; }
    }

    /**
     * The route to this application's own web server, on the port it actually bound (loopback
     * expected: {@code server.address=127.0.0.1}), so every request of the app passes the gateway.
     */
    public static class App {
        /** Whether the catch-all route (app.path) to the application's own web server is added; routes with upstream.app work either way. */
        private boolean enabled = true;
        /** Route id. */
        private String id = "app";
        /** Path prefix routed to the app. */
        private String path = "/";
        /** Address the gateway connects to for the app's server. */
        private String host = "127.0.0.1";
        /** Send the client's Host to the app. */
        private boolean preserveHost = true;
        /** Request body limit of the app route; default limits.max-request-body-bytes. */
        private Long maxRequestBodyBytes;
        /** The app route's policies, run after the gateway-wide ones. */
        private List<Policy> policies = new ArrayList<>();

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getPath() { return path; }
        public void setPath(String path) { this.path = path; }
        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public boolean isPreserveHost() { return preserveHost; }
        public void setPreserveHost(boolean preserveHost) { this.preserveHost = preserveHost; }
        public Long getMaxRequestBodyBytes() { return maxRequestBodyBytes; }
        public void setMaxRequestBodyBytes(Long v) { this.maxRequestBodyBytes = v; }
        public List<Policy> getPolicies() { return policies; }
        public void setPolicies(List<Policy> policies) { this.policies = policies; }
    }

    /** One policy: a type and its settings, as in docs/policies.md. */
    public static class Policy {
        /** Policy type: jwt, api-key, basic-auth, rate-limit, security-headers, cors, ip-rules, client-cert or a plugin's. */
        private String type;
        /** The type's settings, named as in docs/policies.md (camelCase). */
        private Map<String, Object> settings = new LinkedHashMap<>();

        public String getType() { return type; }
        public void setType(String type) { this.type = type; }
        public Map<String, Object> getSettings() { return settings; }
        public void setSettings(Map<String, Object> settings) { this.settings = settings; }
    }

    /** Size and count limits ({@link io.portcullis.gateway.Limits}); unset keeps the core default. */
    public static class Limits {
        /** Longest request line. */
        private Integer maxRequestLineBytes;
        /** Longest header field. */
        private Integer maxHeaderFieldBytes;
        /** Largest header block. */
        private Integer maxHeaderBlockBytes;
        /** Most header fields. */
        private Integer maxHeaderCount;
        /** Largest request body. */
        private Long maxRequestBodyBytes;
        /** Open connections per listener. */
        private Integer maxConnections;
        /** HTTP/2 concurrent streams per connection. */
        private Integer h2MaxConcurrentStreams;
        /** HTTP/2 initial flow-control window. */
        private Integer h2InitialWindowBytes;
        /** HTTP/2 header list size. */
        private Integer h2MaxHeaderListBytes;
        /** Largest TLS ClientHello. */
        private Integer maxClientHelloBytes;

        public Integer getMaxRequestLineBytes() { return maxRequestLineBytes; }
        public void setMaxRequestLineBytes(Integer v) { this.maxRequestLineBytes = v; }
        public Integer getMaxHeaderFieldBytes() { return maxHeaderFieldBytes; }
        public void setMaxHeaderFieldBytes(Integer v) { this.maxHeaderFieldBytes = v; }
        public Integer getMaxHeaderBlockBytes() { return maxHeaderBlockBytes; }
        public void setMaxHeaderBlockBytes(Integer v) { this.maxHeaderBlockBytes = v; }
        public Integer getMaxHeaderCount() { return maxHeaderCount; }
        public void setMaxHeaderCount(Integer v) { this.maxHeaderCount = v; }
        public Long getMaxRequestBodyBytes() { return maxRequestBodyBytes; }
        public void setMaxRequestBodyBytes(Long v) { this.maxRequestBodyBytes = v; }
        public Integer getMaxConnections() { return maxConnections; }
        public void setMaxConnections(Integer v) { this.maxConnections = v; }
        public Integer getH2MaxConcurrentStreams() { return h2MaxConcurrentStreams; }
        public void setH2MaxConcurrentStreams(Integer v) { this.h2MaxConcurrentStreams = v; }
        public Integer getH2InitialWindowBytes() { return h2InitialWindowBytes; }
        public void setH2InitialWindowBytes(Integer v) { this.h2InitialWindowBytes = v; }
        public Integer getH2MaxHeaderListBytes() { return h2MaxHeaderListBytes; }
        public void setH2MaxHeaderListBytes(Integer v) { this.h2MaxHeaderListBytes = v; }
        public Integer getMaxClientHelloBytes() { return maxClientHelloBytes; }
        public void setMaxClientHelloBytes(Integer v) { this.maxClientHelloBytes = v; }
    }

    /** Time limits ({@link io.portcullis.gateway.Timeouts}); unset keeps the core default. */
    public static class Timeouts {
        /** TLS handshake. */
        private Duration tlsHandshake;
        /** Until a request's headers are in. */
        private Duration requestHeaders;
        /** Idle connection. */
        private Duration idle;
        /** Client silent while a request is open. */
        private Duration clientIdle;
        /** Connecting to an upstream. */
        private Duration upstreamConnect;
        /** Until the upstream's response headers. */
        private Duration upstreamResponse;
        /** A whole request. */
        private Duration request;
        /** In-flight requests' time to finish when the gateway stops. */
        private Duration drain;

        public Duration getTlsHandshake() { return tlsHandshake; }
        public void setTlsHandshake(Duration v) { this.tlsHandshake = v; }
        public Duration getRequestHeaders() { return requestHeaders; }
        public void setRequestHeaders(Duration v) { this.requestHeaders = v; }
        public Duration getIdle() { return idle; }
        public void setIdle(Duration v) { this.idle = v; }
        public Duration getClientIdle() { return clientIdle; }
        public void setClientIdle(Duration v) { this.clientIdle = v; }
        public Duration getUpstreamConnect() { return upstreamConnect; }
        public void setUpstreamConnect(Duration v) { this.upstreamConnect = v; }
        public Duration getUpstreamResponse() { return upstreamResponse; }
        public void setUpstreamResponse(Duration v) { this.upstreamResponse = v; }
        public Duration getRequest() { return request; }
        public void setRequest(Duration v) { this.request = v; }
        public Duration getDrain() { return drain; }
        public void setDrain(Duration v) { this.drain = v; }
    }
}
