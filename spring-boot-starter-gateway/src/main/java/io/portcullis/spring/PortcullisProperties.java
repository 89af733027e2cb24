package io.portcullis.spring;

import io.portcullis.gateway.IoTransport;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.LoadBalancing;
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

    /**
     * Sockets the gateway listens on (the app's public ports). Each item: name, host, port, mode
     * (HTTPS, HTTP or REDIRECT), tls (certificates[j].certificate-chain, .private-key, .server-names;
     * protocols, cipher-suites, session-tickets, reload-interval, client-auth, client-ca; or acme instead
     * of certificates: acme.directory, .domains, .email, .agree-to-terms, .storage, .key-type, .directory-ca,
     * .renew-before, .challenge, .eab.key-id, .eab.hmac-key, .redis.uri, .redis.key-prefix), https-port,
     * max-connections, max-connections-per-client, client-ipv6-prefix, allow, deny.
     */
    private List<Listener> listeners = new ArrayList<>();

    /**
     * Routes to other upstreams (or paths of the app with their own policies), in addition to the
     * app's own route. Each item: id, hosts, path, path-match (PREFIX or EXACT), methods, upstream
     * (url or app; trusted-certificates, preserve-host, client-certificate), rewrite (NONE,
     * STRIP_PREFIX or REPLACE_PREFIX), rewrite-to, max-request-body-bytes, policies[j] (type, settings),
     * cluster (a name from clusters, instead of upstream), upstream-connect-timeout, upstream-response-timeout,
     * websocket (false refuses upgrades with 403), compression (enabled, min-size, types, level).
     */
    private List<Route> routes = new ArrayList<>();

    /**
     * Named groups of upstream endpoints (like nginx upstream {}) that routes send to with
     * routes[i].cluster=NAME; the map key is the name. Each value: endpoints[k] (url, weight; or the URL
     * alone: endpoints=http://a:8080,http://b:8080), balancing
     * (ROUND_ROBIN, LEAST_REQUEST or HASH), hash-key (header:NAME, cookie:NAME or client-ip), pool
     * (max-connections-per-endpoint, max-pending-requests, idle-timeout, max-requests-per-connection),
     * passive-health (consecutive-failures, base-ejection-time, max-ejection-time, max-ejection-percent),
     * active-health (path, interval, timeout, healthy-threshold, unhealthy-threshold, expected-status-min,
     * expected-status-max), retries (max-retries, budget-percent, min-retries-per-second), connect-timeout,
     * response-timeout, trusted-certificates, preserve-host, client-certificate (certificate-chain, private-key),
     * protocol (HTTP1, H2 or H2C), sni.
     */
    private Map<String, Cluster> clusters = new LinkedHashMap<>();

    /**
     * Response compression (brotli or gzip) for every route that sets none of its own; off unless set.
     * Writing any compression property turns it on (enabled defaults to true here).
     */
    private Compression compression;

    /** The route to this application's own web server. */
    private App app = new App();

    /**
     * Gateway-wide policies: run before every route's own, and the only ones that see 404s. Each
     * item: type (jwt, api-key, basic-auth, rate-limit, security-headers, cors, ip-rules, client-cert
     * or a plugin's) and settings (named as in docs/policies.md, e.g. settings.requests).
     */
    private List<Policy> policies = new ArrayList<>();

    /** CIDRs whose X-Forwarded-* and Forwarded headers are believed (load balancers, CDNs). */
    private List<String> trustedProxies = new ArrayList<>();

    /** Event-loop threads; 0 = one per core. */
    private int ioThreads;

    /** Socket I/O layer: auto (io-uring, else epoll, else nio), io-uring, epoll or nio. */
    private IoTransport transport = IoTransport.AUTO;

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
    public Map<String, Cluster> getClusters() { return clusters; }
    public void setClusters(Map<String, Cluster> clusters) { this.clusters = clusters; }
    public Compression getCompression() { return compression; }
    public void setCompression(Compression compression) { this.compression = compression; }
    public App getApp() { return app; }
    public void setApp(App app) { this.app = app; }
    public List<Policy> getPolicies() { return policies; }
    public void setPolicies(List<Policy> policies) { this.policies = policies; }
    public List<String> getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
    public int getIoThreads() { return ioThreads; }
    public void setIoThreads(int ioThreads) { this.ioThreads = ioThreads; }
    public IoTransport getTransport() { return transport; }
    public void setTransport(IoTransport transport) { this.transport = transport; }
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
        /** Get the certificate from an ACME CA such as Let's Encrypt, instead of certificates. */
        private Acme acme;

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
        public Acme getAcme() { return acme; }
        public void setAcme(Acme acme) { this.acme = acme; }
    }

    /** ACME settings of an HTTPS listener ({@link io.portcullis.gateway.acme.AcmeConfig}), as the YAML's tls.acme. */
    public static class Acme {
        /** The CA's directory URL; lets-encrypt and lets-encrypt-staging name Let's Encrypt's. */
        private String directory;
        /** The certificate's names, the first its subject; no wildcards. */
        private List<String> domains = new ArrayList<>();
        /** Account contact for the CA's expiry and policy mail. */
        private String email;
        /** Accept the CA's terms of service (required: true). */
        private boolean agreeToTerms;
        /** Directory for the account key, certificate key and chain (created 0700, keys 0600). */
        private Path storage;
        /** The certificate's key type: ec-p256 (default) or rsa-2048. */
        private String keyType;
        /** PEM bundle the directory's TLS certificate must chain to (a private CA); default the JDK trust store. */
        private Path directoryCa;
        /** Renew this long before expiry; default a third of the lifetime. */
        private Duration renewBefore;
        /** http-01 (default; answered on a REDIRECT listener on port 80) or tls-alpn-01 (in the TLS handshake on 443). */
        private String challenge;
        /** External Account Binding (ZeroSSL, commercial CAs). */
        private Eab eab;
        /** Share the account, certificate, order lock and challenges with other nodes in Redis. */
        private AcmeRedis redis;

        public String getDirectory() { return directory; }
        public void setDirectory(String directory) { this.directory = directory; }
        public List<String> getDomains() { return domains; }
        public void setDomains(List<String> domains) { this.domains = domains; }
        public String getEmail() { return email; }
        public void setEmail(String email) { this.email = email; }
        public boolean isAgreeToTerms() { return agreeToTerms; }
        public void setAgreeToTerms(boolean v) { this.agreeToTerms = v; }
        public Path getStorage() { return storage; }
        public void setStorage(Path storage) { this.storage = storage; }
        public String getKeyType() { return keyType; }
        public void setKeyType(String keyType) { this.keyType = keyType; }
        public Path getDirectoryCa() { return directoryCa; }
        public void setDirectoryCa(Path directoryCa) { this.directoryCa = directoryCa; }
        public Duration getRenewBefore() { return renewBefore; }
        public void setRenewBefore(Duration renewBefore) { this.renewBefore = renewBefore; }
        public String getChallenge() { return challenge; }
        public void setChallenge(String challenge) { this.challenge = challenge; }
        public Eab getEab() { return eab; }
        public void setEab(Eab eab) { this.eab = eab; }
        public AcmeRedis getRedis() { return redis; }
        public void setRedis(AcmeRedis redis) { this.redis = redis; }
    }

    /** External Account Binding: the key id and HMAC key the CA gave. */
    public static class Eab {
        /** The EAB key id. */
        private String keyId;
        /** The EAB HMAC key (base64url); never shown by the actuator. */
        private String hmacKey;

        public String getKeyId() { return keyId; }
        public void setKeyId(String keyId) { this.keyId = keyId; }
        public String getHmacKey() { return hmacKey; }
        public void setHmacKey(String hmacKey) { this.hmacKey = hmacKey; }
    }

    /** Shared ACME storage in Redis. */
    public static class AcmeRedis {
        /** redis://[:password@]host:port[/db] or rediss:// (TLS); it holds private keys: use ACLs and TLS. */
        private String uri;
        /** Prefix of the keys and the channel, one per fleet; default portcullis:acme:. */
        private String keyPrefix;

        public String getUri() { return uri; }
        public void setUri(String uri) { this.uri = uri; }
        public String getKeyPrefix() { return keyPrefix; }
        public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
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
        /** The cluster (a key of portcullis.clusters) matching requests go to, instead of upstream. */
        private String cluster;
        /** Overrides the cluster's (or timeouts.upstream-connect) connect timeout for this route. */
        private Duration upstreamConnectTimeout;
        /** Overrides the cluster's (or timeouts.upstream-response) response timeout for this route. */
        private Duration upstreamResponseTimeout;
        /** Proxy WebSocket upgrades on this route; false answers them with 403. */
        private boolean websocket = true;
        /** This route's response compression; default the gateway-wide portcullis.compression. */
        private Compression compression;

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
        public String getCluster() { return cluster; }
        public void setCluster(String cluster) { this.cluster = cluster; }
        public Duration getUpstreamConnectTimeout() { return upstreamConnectTimeout; }
        public void setUpstreamConnectTimeout(Duration v) { this.upstreamConnectTimeout = v; }
        public Duration getUpstreamResponseTimeout() { return upstreamResponseTimeout; }
        public void setUpstreamResponseTimeout(Duration v) { this.upstreamResponseTimeout = v; }
        public boolean isWebsocket() { return websocket; }
        public void setWebsocket(boolean websocket) { this.websocket = websocket; }
        public Compression getCompression() { return compression; }
        public void setCompression(Compression compression) { this.compression = compression; }
    }

    /**
     * An upstream origin: a URL, or the application's own web server. A plain value is the URL
     * ({@code routes[0].upstream=http://127.0.0.1:9200}), as the YAML's shorthand.
     */
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

        public Upstream() {
        }

        /** The upstream at {@code url}: how Spring converts a plain value. */
        public Upstream(String url) {
            this.url = url;
        }

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
        /**
         * The app route's policies, run after the gateway-wide ones. Each item: type (jwt, api-key,
         * basic-auth, rate-limit, security-headers, cors, ip-rules, client-cert or a plugin's) and settings
         * (named as in docs/policies.md, e.g. settings.requests).
         */
        private List<Policy> policies = new ArrayList<>();
        /** Proxy WebSocket upgrades to the app; false answers them with 403. */
        private boolean websocket = true;
        /** The app route's response compression; default the gateway-wide portcullis.compression. */
        private Compression compression;
        /** Connecting to the app's server; default timeouts.upstream-connect. */
        private Duration upstreamConnectTimeout;
        /** Longest silence of the app's server; default timeouts.upstream-response. */
        private Duration upstreamResponseTimeout;

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
        public boolean isWebsocket() { return websocket; }
        public void setWebsocket(boolean websocket) { this.websocket = websocket; }
        public Compression getCompression() { return compression; }
        public void setCompression(Compression compression) { this.compression = compression; }
        public Duration getUpstreamConnectTimeout() { return upstreamConnectTimeout; }
        public void setUpstreamConnectTimeout(Duration v) { this.upstreamConnectTimeout = v; }
        public Duration getUpstreamResponseTimeout() { return upstreamResponseTimeout; }
        public void setUpstreamResponseTimeout(Duration v) { this.upstreamResponseTimeout = v; }
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
        /** A WebSocket tunnel with no traffic either way is closed after it. */
        private Duration websocketIdle;

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
        public Duration getWebsocketIdle() { return websocketIdle; }
        public void setWebsocketIdle(Duration v) { this.websocketIdle = v; }
    }


    /** Response compression ({@link io.portcullis.gateway.CompressionConfig}); unset values keep the core defaults. */
    public static class Compression {
        /** Compress responses; true once the block is written. */
        private boolean enabled = true;
        /** Smallest Content-Length compressed (bytes); bodies of unknown length are always compressed. Default 1024. */
        private Integer minSize;
        /** Media types to compress (application/json, text/*, application/*+json); default text formats. */
        private List<String> types;
        /** Deflate level and brotli quality, 1 (fastest) to 9 (smallest); default 5. */
        private Integer level;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Integer getMinSize() { return minSize; }
        public void setMinSize(Integer minSize) { this.minSize = minSize; }
        public List<String> getTypes() { return types; }
        public void setTypes(List<String> types) { this.types = types; }
        public Integer getLevel() { return level; }
        public void setLevel(Integer level) { this.level = level; }
    }

    /** A named group of upstream endpoints ({@link io.portcullis.gateway.ClusterConfig}); the map key is its name. */
    public static class Cluster {
        /** The endpoints: url (http(s)://host:port, no path) and weight (1-1000, default 1). */
        private List<Endpoint> endpoints = new ArrayList<>();
        /** ROUND_ROBIN (smooth, weighted), LEAST_REQUEST (power of two choices) or HASH (with hash-key). */
        private LoadBalancing.Algorithm balancing;
        /** What HASH balancing routes on: header:NAME, cookie:NAME or client-ip. */
        private String hashKey;
        /** Connection pool limits. */
        private Pool pool;
        /** Ejection of endpoints that fail live requests. */
        private PassiveHealth passiveHealth;
        /** Periodic HTTP probe of every endpoint; default none. */
        private ActiveHealth activeHealth;
        /** Retries of failed attempts on another endpoint. */
        private Retries retries;
        /** Endpoint TCP (+TLS) connect; default timeouts.upstream-connect. */
        private Duration connectTimeout;
        /** Longest endpoint silence; default timeouts.upstream-response. */
        private Duration responseTimeout;
        /** PEM CA bundle for https endpoints; default the JDK trust store. */
        private Path trustedCertificates;
        /** Send the client's Host (true) or the endpoint's authority (false). */
        private boolean preserveHost = true;
        /** Certificate the gateway presents to https endpoints that require mutual TLS. */
        private Certificate clientCertificate;
        /** How the gateway speaks to the endpoints: http1 (default), h2 (TLS, ALPN h2) or h2c (cleartext HTTP/2). */
        private ClusterConfig.Protocol protocol;
        /** TLS server name sent to https endpoints and checked in their certificates; default the endpoint's host. */
        private String sni;

        public List<Endpoint> getEndpoints() { return endpoints; }
        public void setEndpoints(List<Endpoint> endpoints) { this.endpoints = endpoints; }
        public LoadBalancing.Algorithm getBalancing() { return balancing; }
        public void setBalancing(LoadBalancing.Algorithm balancing) { this.balancing = balancing; }
        public String getHashKey() { return hashKey; }
        public void setHashKey(String hashKey) { this.hashKey = hashKey; }
        public Pool getPool() { return pool; }
        public void setPool(Pool pool) { this.pool = pool; }
        public PassiveHealth getPassiveHealth() { return passiveHealth; }
        public void setPassiveHealth(PassiveHealth v) { this.passiveHealth = v; }
        public ActiveHealth getActiveHealth() { return activeHealth; }
        public void setActiveHealth(ActiveHealth v) { this.activeHealth = v; }
        public Retries getRetries() { return retries; }
        public void setRetries(Retries retries) { this.retries = retries; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration v) { this.connectTimeout = v; }
        public Duration getResponseTimeout() { return responseTimeout; }
        public void setResponseTimeout(Duration v) { this.responseTimeout = v; }
        public Path getTrustedCertificates() { return trustedCertificates; }
        public void setTrustedCertificates(Path v) { this.trustedCertificates = v; }
        public boolean isPreserveHost() { return preserveHost; }
        public void setPreserveHost(boolean preserveHost) { this.preserveHost = preserveHost; }
        public Certificate getClientCertificate() { return clientCertificate; }
        public void setClientCertificate(Certificate v) { this.clientCertificate = v; }
        public ClusterConfig.Protocol getProtocol() { return protocol; }
        public void setProtocol(ClusterConfig.Protocol v) { this.protocol = v; }
        public String getSni() { return sni; }
        public void setSni(String v) { this.sni = v; }
    }

    /**
     * One endpoint of a cluster: url and weight, or just the URL as the value
     * ({@code endpoints[0]=http://10.0.0.1:8080}, {@code endpoints=http://a:80,http://b:80}), as the YAML's shorthand.
     */
    public static class Endpoint {
        /** http://host:port or https://host:port, without a path. */
        private String url;
        /** Share of the traffic for round-robin and hash, 1-1000. */
        private int weight = 1;

        public Endpoint() {
        }

        /** The endpoint at {@code url} with weight 1: how Spring converts a plain value. */
        public Endpoint(String url) {
            this.url = url;
        }

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public int getWeight() { return weight; }
        public void setWeight(int weight) { this.weight = weight; }
    }

    /** Connection pool limits of a cluster ({@link io.portcullis.gateway.PoolLimits}); unset keeps the core default. */
    public static class Pool {
        /** Open connections to one endpoint; default 1024. */
        private Integer maxConnectionsPerEndpoint;
        /** Requests waiting for a connection, cluster-wide; 503 with Retry-After beyond. Default 1024. */
        private Integer maxPendingRequests;
        /** An idle pooled connection is closed after it; default 30s. */
        private Duration idleTimeout;
        /** A connection is closed after this many requests; 0 (default) = no limit. */
        private Integer maxRequestsPerConnection;

        public Integer getMaxConnectionsPerEndpoint() { return maxConnectionsPerEndpoint; }
        public void setMaxConnectionsPerEndpoint(Integer v) { this.maxConnectionsPerEndpoint = v; }
        public Integer getMaxPendingRequests() { return maxPendingRequests; }
        public void setMaxPendingRequests(Integer v) { this.maxPendingRequests = v; }
        public Duration getIdleTimeout() { return idleTimeout; }
        public void setIdleTimeout(Duration v) { this.idleTimeout = v; }
        public Integer getMaxRequestsPerConnection() { return maxRequestsPerConnection; }
        public void setMaxRequestsPerConnection(Integer v) { this.maxRequestsPerConnection = v; }
    }

    /** Ejection of failing endpoints ({@link io.portcullis.gateway.PassiveHealth}); unset keeps the core default. */
    public static class PassiveHealth {
        /** Connect failures, resets, timeouts or 5xx in a row that eject; 0 = off. Default 5. */
        private Integer consecutiveFailures;
        /** First ejection, doubled on each repeat; default 10s. */
        private Duration baseEjectionTime;
        /** Longest ejection; default 300s. */
        private Duration maxEjectionTime;
        /** At most this share (%) of the endpoints is ejected at once; default 50. */
        private Integer maxEjectionPercent;

        public Integer getConsecutiveFailures() { return consecutiveFailures; }
        public void setConsecutiveFailures(Integer v) { this.consecutiveFailures = v; }
        public Duration getBaseEjectionTime() { return baseEjectionTime; }
        public void setBaseEjectionTime(Duration v) { this.baseEjectionTime = v; }
        public Duration getMaxEjectionTime() { return maxEjectionTime; }
        public void setMaxEjectionTime(Duration v) { this.maxEjectionTime = v; }
        public Integer getMaxEjectionPercent() { return maxEjectionPercent; }
        public void setMaxEjectionPercent(Integer v) { this.maxEjectionPercent = v; }
    }

    /** A periodic probe of every endpoint ({@link io.portcullis.gateway.ActiveHealthCheck}); path is required. */
    public static class ActiveHealth {
        /** Path probed with GET, starting with /. */
        private String path;
        /** Time between probes of an endpoint; default 10s. */
        private Duration interval;
        /** A probe without a response head within it fails; default 2s. */
        private Duration timeout;
        /** Good probes in a row that bring an endpoint back; default 2. */
        private Integer healthyThreshold;
        /** Failed probes in a row that take it out; default 3. */
        private Integer unhealthyThreshold;
        /** Lowest healthy status; default 200. */
        private Integer expectedStatusMin;
        /** Highest healthy status; default 399. */
        private Integer expectedStatusMax;

        public String getPath() { return path; }
        public void setPath(String path) { this.path = path; }
        public Duration getInterval() { return interval; }
        public void setInterval(Duration v) { this.interval = v; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration v) { this.timeout = v; }
        public Integer getHealthyThreshold() { return healthyThreshold; }
        public void setHealthyThreshold(Integer v) { this.healthyThreshold = v; }
        public Integer getUnhealthyThreshold() { return unhealthyThreshold; }
        public void setUnhealthyThreshold(Integer v) { this.unhealthyThreshold = v; }
        public Integer getExpectedStatusMin() { return expectedStatusMin; }
        public void setExpectedStatusMin(Integer v) { this.expectedStatusMin = v; }
        public Integer getExpectedStatusMax() { return expectedStatusMax; }
        public void setExpectedStatusMax(Integer v) { this.expectedStatusMax = v; }
    }

    /** Retries on another endpoint ({@link io.portcullis.gateway.RetryPolicy}); unset keeps the core default. */
    public static class Retries {
        /** Retries per request, 0-10; 0 = none. Default 2. */
        private Integer maxRetries;
        /** Retries allowed as a share (%) of requests over 10 s; default 20. */
        private Integer budgetPercent;
        /** Retries always allowed per second; default 3. */
        private Integer minRetriesPerSecond;

        public Integer getMaxRetries() { return maxRetries; }
        public void setMaxRetries(Integer v) { this.maxRetries = v; }
        public Integer getBudgetPercent() { return budgetPercent; }
        public void setBudgetPercent(Integer v) { this.budgetPercent = v; }
        public Integer getMinRetriesPerSecond() { return minRetriesPerSecond; }
        public void setMinRetriesPerSecond(Integer v) { this.minRetriesPerSecond = v; }
    }
}
