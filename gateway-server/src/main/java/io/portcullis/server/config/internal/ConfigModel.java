package io.portcullis.server.config.internal;

import static io.portcullis.server.config.internal.YamlTypes.bool;
import static io.portcullis.server.config.internal.YamlTypes.duration;
import static io.portcullis.server.config.internal.YamlTypes.enumOf;
import static io.portcullis.server.config.internal.YamlTypes.integer;
import static io.portcullis.server.config.internal.YamlTypes.listOf;
import static io.portcullis.server.config.internal.YamlTypes.path;
import static io.portcullis.server.config.internal.YamlTypes.size;
import static io.portcullis.server.config.internal.YamlTypes.text;

import io.portcullis.gateway.ActiveHealthCheck;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.gateway.PassiveHealth;
import io.portcullis.gateway.PoolLimits;
import io.portcullis.gateway.RetryPolicy;
import io.portcullis.gateway.CompressionConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.ConnectionLimits;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.IoTransport;
import io.portcullis.gateway.IpRules;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.acme.AcmeConfig;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.server.config.AdminConfig;
import io.portcullis.server.config.ServerConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeType;

/**
 * The configuration file's structure, declared once: the binder walks it and the JSON Schema is
 * generated from it. Field names are the core records' own, so a core error path
 * ({@code routes[0].upstream.url}) is also the path in the file.
 */
public final class ConfigModel {
    /** The root of the file; binds to a {@link ServerConfig} without source or secrets (the loader adds them). */
    public static final ObjectType<ServerConfig> ROOT = root();

    private ConfigModel() {
    }

    private static ObjectType<CertificateConfig> certificate() {
        ObjectType<CertificateConfig> t = new ObjectType<>("a certificate: PEM chain and key files");
        var chain = t.required("certificateChain", path("a PEM file, leaf certificate first"),
                "PEM file with the leaf certificate followed by intermediates (relative to this file)");
        var key = t.required("privateKey", path("a PEM private key file"),
                "PEM file with the unencrypted private key: RSA or EC; PKCS#8, PKCS#1 or SEC1");
        var names = t.field("serverNames", listOf(text("a host name such as api.example.com")),
                "SNI names this certificate answers (exact or *.example.com); default: its DNS subjectAltNames");
        return t.factory(v -> new CertificateConfig(v.get(chain), v.get(key), v.get(names, List.of())));
    }

    private static ObjectType<CertificateConfig> clientCertificate() {
        ObjectType<CertificateConfig> t = new ObjectType<>("a client certificate: PEM chain and key files");
        var chain = t.required("certificateChain", path("a PEM file, leaf certificate first"),
                "PEM file with the client certificate followed by intermediates (relative to this file)");
        var key = t.required("privateKey", path("a PEM private key file"), "PEM file with the unencrypted private key");
        return t.factory(v -> CertificateConfig.of(v.get(chain), v.get(key)));
    }

    /** An https listener's {@code tls}: the core's TLS settings, and the ACME settings when its certificate comes from a CA. */
    record BoundTls(TlsConfig tls, AcmeConfig acme) {
    }

    /** A listener as bound: the core's listener and, for an ACME https listener, its ACME settings. */
    record BoundListener(ListenerConfig listener, AcmeConfig acme) {
    }

    private static ObjectType<BoundTls> tls() {
        ObjectType<BoundTls> t = new ObjectType<>("TLS settings of an https listener");
        var certs = t.field("certificates", listOf(certificate()),
                "certificates selected by SNI; the first is the default (or acme instead)");
        var acme = t.field("acme", acme(), "get the certificate from an ACME CA such as Let's Encrypt (instead of certificates)");
        var protocols = t.field("protocols", listOf(text("TLSv1.3 or TLSv1.2")),
                "TLS versions; only TLSv1.3 and TLSv1.2 are allowed", TlsConfig.DEFAULT_PROTOCOLS);
        var suites = t.field("cipherSuites", listOf(text("an IANA TLS 1.2 cipher suite name")),
                "TLS 1.2 suites: ECDHE/DHE with AES-GCM or ChaCha20-Poly1305 only", TlsConfig.DEFAULT_CIPHER_SUITES);
        var tickets = t.field("sessionTickets", bool(), "offer stateless session resumption", true);
        var reload = t.field("reloadInterval", duration(), "how often certificate files are checked for changes", "2s");
        var clientAuth = t.field("clientAuth", enumOf(TlsConfig.ClientAuth.class),
                "mutual TLS: none, optional (verified if sent; see the client-cert policy) or require", "none");
        var clientCa = t.field("clientCa", path("a PEM CA bundle file"),
                "PEM bundle of the CAs client certificates must chain to; required with clientAuth");
        return t.factory(v -> {
            AcmeConfig a = v.get(acme);
            ConfigException.check(a == null || v.get(certs) == null, "acme",
                    "set together with certificates (expected: certificate files or acme, not both)");
            ConfigException.check(a != null || v.get(certs) != null, "certificates",
                    "missing (expected: a list of certificates, or acme)");
            TlsConfig.Builder b = TlsConfig.builder().certificates(a != null ? List.of(a.certificate()) : v.get(certs))
                    .protocols(v.get(protocols)).cipherSuites(v.get(suites)).sessionTickets(v.get(tickets, true))
                    .reloadInterval(v.get(reload));
            if (v.get(clientAuth) != null || v.get(clientCa) != null) {
                b.clientAuth(v.get(clientAuth, TlsConfig.ClientAuth.NONE), v.get(clientCa));
            }
            return new BoundTls(b.build(), a);
        });
    }

    private static ObjectType<AcmeConfig> acme() {
        ObjectType<AcmeConfig> t = new ObjectType<>("ACME settings: the CA's directory, the names, storage");
        var directory = t.required("directory", text("the CA's directory URL, lets-encrypt or lets-encrypt-staging"),
                "the CA's directory URL; lets-encrypt and lets-encrypt-staging name Let's Encrypt's");
        var domains = t.required("domains", listOf(text("a DNS name such as example.com")),
                "the certificate's names, the first its subject; no wildcards");
        var email = t.field("email", text("an email address"), "account contact for the CA's expiry and policy mail");
        var agree = t.field("agreeToTerms", bool(), "accept the CA's terms of service (required: true)", false);
        var storage = t.required("storage", path("a directory"),
                "directory for the account key, certificate key and chain (created 0700, keys 0600)");
        var keyType = t.field("keyType", text("ec-p256 or rsa-2048"), "the certificate's key type: ec-p256 or rsa-2048", "ec-p256");
        var directoryCa = t.field("directoryCa", path("a PEM CA bundle file"),
                "PEM bundle the directory's TLS certificate must chain to (a private CA); default: the JDK's trust store");
        var renewBefore = t.field("renewBefore", duration(), "renew this long before expiry; default: a third of the lifetime");
        var eab = t.field("eab", eab(), "External Account Binding (ZeroSSL, commercial CAs)");
        var challenge = t.field("challenge", text("http-01 or tls-alpn-01"),
                "http-01 (answered on a redirect listener, port 80) or tls-alpn-01 (in the TLS handshake on port 443)", "http-01");
        var redis = t.field("redis", acmeRedis(),
                "share the account, certificate, order lock and challenges with other gateway nodes in Redis");
        return t.factory(v -> {
            URI url = AcmeConfig.directory(v.get(directory));
            AcmeConfig a = AcmeConfig.of(url, v.get(storage), v.get(domains).toArray(String[]::new))
                    .withAgreeToTerms(v.get(agree, false)).withEmail(v.get(email)).withKeyType(v.get(keyType))
                    .withDirectoryCa(v.get(directoryCa)).withRenewBefore(v.get(renewBefore)).withChallenge(v.get(challenge));
            String[] binding = v.get(eab);
            return (binding == null ? a : a.withEab(binding[0], binding[1])).withRedis(v.get(redis));
        });
    }

    private static ObjectType<AcmeConfig.Redis> acmeRedis() {
        ObjectType<AcmeConfig.Redis> t = new ObjectType<>("shared ACME storage in Redis: uri and key prefix");
        var uri = t.required("uri", YamlTypes.secret("redis://[:password@]host:port or rediss://..., ${file:PATH} or file:PATH"),
                "redis://[:password@]host:port[/db] or rediss:// (TLS); it holds private keys: use ACLs and TLS");
        var prefix = t.field("keyPrefix", text("a key prefix"), "prefix of the keys and the channel; one per fleet",
                AcmeConfig.Redis.DEFAULT_PREFIX);
        return t.factory(v -> new AcmeConfig.Redis(v.get(uri), v.get(prefix)));
    }

    private static ObjectType<String[]> eab() {
        ObjectType<String[]> t = new ObjectType<>("External Account Binding: key id and HMAC key");
        var keyId = t.required("keyId", text("the EAB key id the CA gave"), "the EAB key id the CA gave");
        var hmacKey = t.required("hmacKey", YamlTypes.secret("the base64url HMAC key, ${file:PATH} or file:PATH"),
                "the EAB HMAC key (base64url) the CA gave; file:PATH reads it from a file; never shown by /config");
        return t.factory(v -> new String[] {v.get(keyId), v.get(hmacKey)});
    }

    private static ObjectType<BoundListener> listener() {
        ObjectType<BoundListener> t = new ObjectType<>("a listener");
        var name = t.field("name", text("a name"), "name for logs and metrics; default <mode>-<port>");
        var host = t.field("host", text("a bind address such as 0.0.0.0, ::, 127.0.0.1"), "bind address", "0.0.0.0");
        var port = t.required("port", integer(0, 65535), "TCP port; 0 picks a free one");
        var mode = t.field("mode", enumOf(ListenerConfig.Mode.class),
                "https (TLS, h2 + http/1.1), http (cleartext h1 + h2c, internal use) or redirect (301 to https);"
                        + " default: https with tls, redirect with httpsPort");
        var tls = t.field("tls", tls(), "certificates and TLS policy (https listeners only)");
        var httpsPort = t.field("httpsPort", integer(1, 65535), "redirect listeners: the port named in Location");
        var connectionLimits = t.field("connectionLimits", connectionLimits(),
                "open connections allowed on this listener, in total and per client");
        var ipRules = t.field("ipRules", ipRules(), "which TCP peers may connect at all (before TLS)");
        return t.factory(v -> {
            ListenerConfig.Mode m = v.get(mode);
            BoundTls bt = v.get(tls);
            if (m == null) {
                if (v.get(tls) != null) {
                    m = ListenerConfig.Mode.HTTPS;
                } else if (v.get(httpsPort) != null) {
                    m = ListenerConfig.Mode.REDIRECT;
                } else {
                    throw new ConfigException("mode", "missing (expected: https with tls, http, or redirect with httpsPort)");
                }
            }
            // factories rather than the canonical constructor: a component added to the record later keeps its default
            ConfigException.check(m == ListenerConfig.Mode.HTTPS || v.get(tls) == null, "tls",
                    "set on a " + YamlTypes.kebab(m) + " listener (expected: only on https listeners)");
            ConfigException.check(m == ListenerConfig.Mode.REDIRECT || v.get(httpsPort) == null, "httpsPort",
                    "set on a " + YamlTypes.kebab(m) + " listener (expected: only on redirect listeners)");
            ListenerConfig l = switch (m) {
                case HTTPS -> ListenerConfig.https(v.get(port), ConfigException.required(bt, "tls",
                        "certificates for an https listener").tls());
                case HTTP -> ListenerConfig.http(v.get(port));
                case REDIRECT -> ListenerConfig.redirect(v.get(port), ConfigException.required(v.get(httpsPort), "httpsPort",
                        "the port named in Location, 1-65535"));
            };
            l = v.get(host) == null ? l : l.bind(v.get(host));
            l = v.get(connectionLimits) == null ? l : l.withConnectionLimits(v.get(connectionLimits));
            l = v.get(ipRules) == null ? l : l.withIpRules(v.get(ipRules));
            return new BoundListener(v.get(name) == null ? l : l.named(v.get(name)), bt == null ? null : bt.acme());
        });
    }

    private static ObjectType<ConnectionLimits> connectionLimits() {
        ObjectType<ConnectionLimits> t = new ObjectType<>("connection limits of a listener");
        var total = t.field("maxConnections", integer(0, Integer.MAX_VALUE),
                "open connections on this listener; 0 = limits.maxConnections", 0);
        var perClient = t.field("maxConnectionsPerClient", integer(0, Integer.MAX_VALUE),
                "open connections from one client address; 0 = no per-client limit", 0);
        var prefix = t.field("clientIpv6Prefix", integer(0, 128), "IPv6 prefix length that makes one client", 64);
        return t.factory(v -> new ConnectionLimits(v.get(total, 0), v.get(perClient, 0), v.get(prefix, 0)));
    }

    private static ObjectType<IpRules> ipRules() {
        ObjectType<IpRules> t = new ObjectType<>("IP rules of a listener");
        var allow = t.field("allow", listOf(text("a CIDR such as 10.0.0.0/8")), "if set, only these peers may connect");
        var deny = t.field("deny", listOf(text("a CIDR such as 203.0.113.0/24")), "these peers may not connect");
        return t.factory(v -> new IpRules(v.get(allow, List.of()), v.get(deny, List.of())));
    }

    private static ObjectType<UpstreamConfig> upstreamObject() {
        ObjectType<UpstreamConfig> t = new ObjectType<>("an upstream: URL and options");
        var url = t.required("url", text("http://host[:port] or https://host[:port]"),
                "http://host[:port] or https://host[:port], without a path");
        var trusted = t.field("trustedCertificates", path("a PEM CA bundle file"),
                "https upstreams: PEM CA bundle to trust instead of the JDK's trust store");
        var preserve = t.field("preserveHost", bool(), "send the client's Host (true) or the upstream's authority", true);
        var clientCert = t.field("clientCertificate", clientCertificate(),
                "https upstreams: the certificate and key the gateway presents (mutual TLS to the upstream)");
        var sni = t.field("sni", text("a DNS host name"),
                "https upstreams: the TLS SNI name, also the name the certificate must carry; default the URL's host");
        return t.factory(v -> new UpstreamConfig(uri(v.get(url)), v.get(trusted), v.get(preserve, true),
                v.get(clientCert), v.get(sni)));
    }

    static URI uri(String s) {
        try {
            return new URI(s.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException("url", "'" + s + "' is not a URL: " + e.getReason()
                    + " (expected: http://host[:port] or https://host[:port])");
        }
    }

    /** An upstream as a URL string, or as a mapping with options. */
    private static YamlType<UpstreamConfig> upstream() {
        ObjectType<UpstreamConfig> object = upstreamObject();
        return new YamlType<>() {
            @Override
            public UpstreamConfig bind(Node node, String path, BindContext ctx) {
                if (node.getNodeType() == NodeType.MAPPING) {
                    return object.bind(node, path, ctx);
                }
                String s = ctx.scalar(node, path, expected()).text();
                try {
                    return new UpstreamConfig(uri(s), null, true);
                } catch (ConfigException e) {
                    throw ctx.error(node, path, e.problem());
                }
            }

            @Override
            public String expected() {
                return "an upstream URL, or a mapping with url, trustedCertificates, preserveHost, clientCertificate, sni";
            }

            @Override
            public Map<String, Object> schema() {
                return YamlTypes.map("anyOf", List.of(
                        YamlTypes.map("type", "string", "pattern", "^(https?://|\\$\\{)"), object.schema()));
            }
        };
    }

    /** An endpoint as a URL string, or as a mapping with url and weight. */
    private static YamlType<EndpointConfig> endpoint() {
        ObjectType<EndpointConfig> object = new ObjectType<>("an endpoint: url and weight");
        var url = object.required("url", text("http://host:port or https://host:port"), "the endpoint, without a path");
        var weight = object.field("weight", integer(1, EndpointConfig.MAX_WEIGHT),
                "share of the traffic for round-robin and hash", 1);
        object.factory(v -> new EndpointConfig(uri(v.get(url)), v.get(weight, 1)));
        return new YamlType<>() {
            @Override
            public EndpointConfig bind(Node node, String path, BindContext ctx) {
                if (node.getNodeType() == NodeType.MAPPING) {
                    return object.bind(node, path, ctx);
                }
                String s = ctx.scalar(node, path, expected()).text();
                try {
                    return new EndpointConfig(uri(s), 1);
                } catch (ConfigException e) {
                    throw ctx.error(node, path, e.problem());
                }
            }

            @Override
            public String expected() {
                return "an endpoint URL, or a mapping with url and weight";
            }

            @Override
            public Map<String, Object> schema() {
                return YamlTypes.map("anyOf", List.of(
                        YamlTypes.map("type", "string", "pattern", "^(https?://|\\$\\{)"), object.schema()));
            }
        };
    }

    private static ObjectType<PoolLimits> poolLimits() {
        PoolLimits d = PoolLimits.defaults();
        ObjectType<PoolLimits> t = new ObjectType<>("connection pool limits of a cluster");
        var conns = t.field("maxConnectionsPerEndpoint", integer(1, Integer.MAX_VALUE),
                "open connections to one endpoint (shared evenly by the I/O threads)", d.maxConnectionsPerEndpoint());
        var pending = t.field("maxPendingRequests", integer(0, Integer.MAX_VALUE),
                "requests of the cluster waiting for a connection; 503 with Retry-After beyond", d.maxPendingRequests());
        var idle = t.field("idleTimeout", duration(), "an idle pooled connection is closed after it", "30s");
        var perConn = t.field("maxRequestsPerConnection", integer(0, Integer.MAX_VALUE),
                "a connection is closed after this many requests; 0 = no limit", 0);
        return t.factory(v -> new PoolLimits(v.get(conns, d.maxConnectionsPerEndpoint()),
                v.get(pending, d.maxPendingRequests()), v.get(idle, d.idleTimeout()), v.get(perConn, 0)));
    }

    private static ObjectType<PassiveHealth> passiveHealth() {
        PassiveHealth d = PassiveHealth.defaults();
        ObjectType<PassiveHealth> t = new ObjectType<>("ejection of endpoints that fail live requests");
        var failures = t.field("consecutiveFailures", integer(0, Integer.MAX_VALUE),
                "connect failures, resets, timeouts or 5xx in a row that eject; 0 = off", d.consecutiveFailures());
        var base = t.field("baseEjectionTime", duration(), "first ejection; doubles on each repeat", "10s");
        var max = t.field("maxEjectionTime", duration(), "longest ejection", "300s");
        var percent = t.field("maxEjectionPercent", integer(0, 100),
                "at most this share of the endpoints is ejected at once", d.maxEjectionPercent());
        return t.factory(v -> new PassiveHealth(v.get(failures, d.consecutiveFailures()),
                v.get(base, d.baseEjectionTime()), v.get(max, d.maxEjectionTime()), v.get(percent, d.maxEjectionPercent())));
    }

    private static ObjectType<ActiveHealthCheck> activeHealth() {
        ObjectType<ActiveHealthCheck> t = new ObjectType<>("a periodic HTTP probe of every endpoint");
        var path = t.required("path", text("a path starting with /"), "probed with GET");
        var interval = t.field("interval", duration(), "time between probes of an endpoint", "10s");
        var timeout = t.field("timeout", duration(), "a probe without a response head within it fails", "2s");
        var healthy = t.field("healthyThreshold", integer(1, 1000), "good probes in a row that bring an endpoint back", 2);
        var unhealthy = t.field("unhealthyThreshold", integer(1, 1000), "failed probes in a row that take it out", 3);
        var min = t.field("expectedStatusMin", integer(100, 599), "lowest healthy status", 200);
        var max = t.field("expectedStatusMax", integer(100, 599), "highest healthy status", 399);
        return t.factory(v -> {
            ActiveHealthCheck d = ActiveHealthCheck.of(v.get(path));
            return new ActiveHealthCheck(d.path(), v.get(interval, d.interval()), v.get(timeout, d.timeout()),
                    v.get(healthy, d.healthyThreshold()), v.get(unhealthy, d.unhealthyThreshold()),
                    v.get(min, d.expectedStatusMin()), v.get(max, d.expectedStatusMax()));
        });
    }

    private static ObjectType<RetryPolicy> retries() {
        RetryPolicy d = RetryPolicy.defaults();
        ObjectType<RetryPolicy> t = new ObjectType<>("retries of failed attempts on other endpoints");
        var max = t.field("maxRetries", integer(0, 10), "retries per request; 0 = none", d.maxRetries());
        var percent = t.field("budgetPercent", integer(0, 100), "retries allowed as a share of requests (10 s window)",
                d.budgetPercent());
        var min = t.field("minRetriesPerSecond", integer(0, Integer.MAX_VALUE), "retries always allowed per second",
                d.minRetriesPerSecond());
        return t.factory(v -> new RetryPolicy(v.get(max, d.maxRetries()), v.get(percent, d.budgetPercent()),
                v.get(min, d.minRetriesPerSecond())));
    }

    /** A cluster's body; the function takes the name (from the map key or the name field). */
    private static ObjectType<java.util.function.Function<String, ClusterConfig>> clusterBody() {
        ObjectType<java.util.function.Function<String, ClusterConfig>> t =
                new ObjectType<>("a cluster: endpoints, balancing, pool, health, retries");
        var name = t.field("name", text("a cluster name"), "the name routes use (in the map form: the key)");
        var endpoints = t.required("endpoints", listOf(endpoint()), "the endpoints: URLs, or url + weight");
        var balancing = t.field("balancing", enumOf(LoadBalancing.Algorithm.class),
                "round-robin (smooth, weighted), least-request (power of two choices) or hash (with hashKey)", "round-robin");
        var hashKey = t.field("hashKey", text("header:NAME, cookie:NAME or client-ip"), "what hash balancing routes on");
        var pool = t.field("pool", poolLimits(), "connection pool limits");
        var passive = t.field("passiveHealth", passiveHealth(), "ejection of endpoints that fail live requests");
        var active = t.field("activeHealth", activeHealth(), "periodic HTTP probe of every endpoint; default none");
        var retries = t.field("retries", retries(), "retries on another endpoint");
        var connect = t.field("connectTimeout", duration(), "endpoint TCP (+TLS) connect; default timeouts.upstreamConnect");
        var response = t.field("responseTimeout", duration(), "longest endpoint silence; default timeouts.upstreamResponse");
        var trusted = t.field("trustedCertificates", path("a PEM CA bundle file"),
                "https endpoints: PEM CA bundle to trust instead of the JDK's trust store");
        var preserve = t.field("preserveHost", bool(), "send the client's Host (true) or the endpoint's authority", true);
        var clientCert = t.field("clientCertificate", clientCertificate(),
                "https endpoints: the certificate and key the gateway presents (mutual TLS)");
        var protocol = t.field("protocol", enumOf(ClusterConfig.Protocol.class),
                "http1 (pooled keep-alive connections), h2 (HTTP/2 over TLS via ALPN; https endpoints) or h2c"
                        + " (cleartext HTTP/2 with prior knowledge; http endpoints)", "http1");
        var sni = t.field("sni", text("a DNS host name"),
                "https endpoints: the TLS SNI name, also the name their certificates must carry; default each endpoint's host");
        return t.factory(v -> key -> {
            String n = v.get(name) != null ? v.get(name) : key;
            ConfigException.check(key == null || v.get(name) == null || v.get(name).equals(key), "name",
                    "'" + v.get(name) + "' differs from its key '" + key + "' (expected: leave name out in the map form)");
            ConfigException.required(n, "name", "a cluster name");
            ClusterConfig.Builder b = ClusterConfig.builder(n)
                    .balancing(new LoadBalancing(v.get(balancing), v.get(hashKey)))
                    .pool(v.get(pool)).passiveHealth(v.get(passive)).activeHealth(v.get(active)).retries(v.get(retries))
                    .connectTimeout(v.get(connect)).responseTimeout(v.get(response))
                    .trustedCertificates(v.get(trusted)).preserveHost(v.get(preserve, true))
                    .clientCertificate(v.get(clientCert))
                    .protocol(v.get(protocol)).sni(v.get(sni));
            v.get(endpoints).forEach(b::endpoint);
            return b.build();
        });
    }

    /** {@code clusters:} as a map from name to cluster, or as a list of clusters with a name each. */
    private static YamlType<List<ClusterConfig>> clusters() {
        ObjectType<java.util.function.Function<String, ClusterConfig>> body = clusterBody();
        return new YamlType<>() {
            @Override
            public List<ClusterConfig> bind(Node node, String path, BindContext ctx) {
                List<ClusterConfig> out = new java.util.ArrayList<>();
                if (node.getNodeType() == NodeType.MAPPING) {
                    for (var tuple : ((org.snakeyaml.engine.v2.nodes.MappingNode) node).getValue()) {
                        String key = ObjectType.key(tuple.getKeyNode(), path, ctx);
                        out.add(build(body.bind(tuple.getValueNode(), path + "." + key, ctx), key,
                                tuple.getValueNode(), path + "." + key, ctx));
                    }
                } else if (node.getNodeType() == NodeType.SEQUENCE) {
                    List<Node> items = ((org.snakeyaml.engine.v2.nodes.SequenceNode) node).getValue();
                    for (int i = 0; i < items.size(); i++) {
                        String p = path + "[" + i + "]";
                        out.add(build(body.bind(items.get(i), p, ctx), null, items.get(i), p, ctx));
                    }
                } else {
                    throw ctx.error(node, path, YamlTypes.describe(node) + " (expected: " + expected() + ")");
                }
                return out;
            }

            private ClusterConfig build(java.util.function.Function<String, ClusterConfig> f, String key, Node at,
                                        String path, BindContext ctx) {
                try {
                    return f.apply(key);
                } catch (ConfigException e) {
                    throw ctx.error(NodeLocator.find(at, e.field()), path + "." + e.field(), e.problem());
                }
            }

            @Override
            public String expected() {
                return "a map from cluster name to cluster, or a list of clusters with names";
            }

            @Override
            public Map<String, Object> schema() {
                return YamlTypes.map("anyOf", List.of(
                        YamlTypes.map("type", "object", "additionalProperties", body.schema()),
                        YamlTypes.map("type", "array", "items", body.schema())));
            }
        };
    }

    private static ObjectType<PolicySpec> policy() {
        ObjectType<PolicySpec> t = new ObjectType<>("a policy: type and settings");
        var type = t.required("type", text("a policy type such as security-headers, rate-limit, cors"),
                "policy type: security-headers, cors, ip-rules, rate-limit, api-key, basic-auth, or a plugin's");
        var settings = t.field("settings", YamlTypes.settings(), "the policy type's settings (see docs/policies.md)");
        return t.factory(v -> new PolicySpec(v.get(type), v.get(settings, Map.of())));
    }

    private static ObjectType<RouteConfig> route() {
        ObjectType<RouteConfig> t = new ObjectType<>("a route");
        var id = t.field("id", text("a unique route name"), "unique name for logs and metrics; default hosts + path");
        var hosts = t.field("hosts", listOf(text("a host such as api.example.com or *.example.com")),
                "hosts this route takes (exact or *.example.com); default: any");
        var path = t.required("path", text("a path starting with /"), "path prefix (or exact path) starting with /");
        var match = t.field("pathMatch", enumOf(RouteConfig.PathMatch.class), "prefix (segment-aware) or exact", "prefix");
        var methods = t.field("methods", listOf(text("an upper-case method such as GET")), "methods; default: any");
        var upstream = t.field("upstream", upstream(), "where matching requests go: one origin (or use cluster)");
        var cluster = t.field("cluster", text("a cluster name"), "the cluster matching requests go to (or use upstream)");
        var connectTimeout = t.field("upstreamConnectTimeout", duration(), "overrides the cluster's connect timeout");
        var responseTimeout = t.field("upstreamResponseTimeout", duration(), "overrides the cluster's response timeout");
        var rewrite = t.field("rewrite", enumOf(RouteConfig.Rewrite.class),
                "none, strip-prefix or replace-prefix (with rewriteTo)", "none");
        var rewriteTo = t.field("rewriteTo", text("a path starting with /"), "the new prefix for replace-prefix");
        var body = t.field("maxRequestBodyBytes", size(Long.MAX_VALUE), "request body limit for this route; default limits.maxRequestBodyBytes");
        var policies = t.field("policies", listOf(policy()), "this route's policies, after the gateway-wide ones");
        var websocket = t.field("websocket", bool(), "proxy WebSocket upgrades on this route (false: 403)", true);
        var compression = t.field("compression", compression(),
                "response compression for this route; default: the top-level compression");
        return t.factory(v -> {
            RouteConfig.Rewrite rw = v.get(rewrite, RouteConfig.Rewrite.NONE);
            ConfigException.check(rw == RouteConfig.Rewrite.REPLACE_PREFIX || v.get(rewriteTo) == null, "rewriteTo",
                    "set without rewrite: replace-prefix");
            // the builder rather than the canonical constructor: a component added to the record later keeps its default
            RouteConfig.Builder b = v.get(match) == RouteConfig.PathMatch.EXACT
                    ? RouteConfig.exact(v.get(path)) : RouteConfig.prefix(v.get(path));
            b.id(v.get(id)).host(v.get(hosts, List.<String>of()).toArray(String[]::new))
                    .methods(v.get(methods, List.<String>of()).toArray(String[]::new));
            ConfigException.check(v.get(upstream) == null || v.get(cluster) == null, "cluster",
                    "set together with upstream (expected: one of the two)");
            ConfigException.check(v.get(upstream) != null || v.get(cluster) != null, "upstream",
                    "missing (expected: an upstream URL, or cluster: NAME)");
            if (v.get(upstream) != null) {
                b.to(v.get(upstream));
            } else {
                b.toCluster(v.get(cluster));
            }
            b.upstreamConnectTimeout(v.get(connectTimeout)).upstreamResponseTimeout(v.get(responseTimeout));
            if (rw == RouteConfig.Rewrite.STRIP_PREFIX) {
                b.stripPrefix();
            } else if (rw == RouteConfig.Rewrite.REPLACE_PREFIX) {
                b.replacePrefix(v.get(rewriteTo));
            }
            if (v.get(body) != null) {
                b.maxRequestBodyBytes(v.get(body));
            }
            v.get(policies, List.<PolicySpec>of()).forEach(b::policy);
            b.websocket(v.get(websocket, true));
            if (v.get(compression) != null) {
                b.compression(v.get(compression));
            }
            return b.build();
        });
    }

    private static ObjectType<CompressionConfig> compression() {
        ObjectType<CompressionConfig> t = new ObjectType<>("response compression (brotli or gzip)");
        var enabled = t.field("enabled", bool(), "compress responses (writing the block turns it on)", true);
        var minSize = t.field("minSize", size(Integer.MAX_VALUE),
                "smallest Content-Length compressed; bodies of unknown length are always compressed",
                CompressionConfig.DEFAULT_MIN_SIZE);
        var types = t.field("types", listOf(text("a media type such as application/json, text/* or application/*+json")),
                "media types to compress", CompressionConfig.DEFAULT_TYPES);
        var level = t.field("level", integer(1, 9), "deflate level and brotli quality: 1 fastest, 9 smallest", CompressionConfig.DEFAULT_LEVEL);
        return t.factory(v -> new CompressionConfig(v.get(enabled, true),
                v.get(minSize, (long) CompressionConfig.DEFAULT_MIN_SIZE).intValue(),
                v.get(types, CompressionConfig.DEFAULT_TYPES), v.get(level, CompressionConfig.DEFAULT_LEVEL)));
    }

    private static ObjectType<Limits> limits() {
        Limits d = Limits.defaults();
        ObjectType<Limits> t = new ObjectType<>("size and count limits");
        var line = t.field("maxRequestLineBytes", size(Integer.MAX_VALUE), "request line; 414 beyond", d.maxRequestLineBytes());
        var field = t.field("maxHeaderFieldBytes", size(Integer.MAX_VALUE), "one header field; 431 beyond", d.maxHeaderFieldBytes());
        var block = t.field("maxHeaderBlockBytes", size(Integer.MAX_VALUE), "whole header block; 431 beyond", d.maxHeaderBlockBytes());
        var count = t.field("maxHeaderCount", integer(1, Integer.MAX_VALUE), "header fields per request; 431 beyond", d.maxHeaderCount());
        var body = t.field("maxRequestBodyBytes", size(Long.MAX_VALUE), "request body; 413 beyond", d.maxRequestBodyBytes());
        var conns = t.field("maxConnections", integer(1, Integer.MAX_VALUE), "open client connections per listener", d.maxConnections());
        var streams = t.field("h2MaxConcurrentStreams", integer(1, Integer.MAX_VALUE), "HTTP/2 streams per connection", d.h2MaxConcurrentStreams());
        var window = t.field("h2InitialWindowBytes", size(Integer.MAX_VALUE), "HTTP/2 per-stream window", d.h2InitialWindowBytes());
        var list = t.field("h2MaxHeaderListBytes", size(Integer.MAX_VALUE), "HTTP/2 header list size; 431 beyond", d.h2MaxHeaderListBytes());
        var hello = t.field("maxClientHelloBytes", size(Integer.MAX_VALUE), "TLS ClientHello size", d.maxClientHelloBytes());
        return t.factory(v -> Limits.builder()
                .maxRequestLineBytes(v.get(line, (long) d.maxRequestLineBytes()).intValue())
                .maxHeaderFieldBytes(v.get(field, (long) d.maxHeaderFieldBytes()).intValue())
                .maxHeaderBlockBytes(v.get(block, (long) d.maxHeaderBlockBytes()).intValue())
                .maxHeaderCount(v.get(count, d.maxHeaderCount()))
                .maxRequestBodyBytes(v.get(body, d.maxRequestBodyBytes()))
                .maxConnections(v.get(conns, d.maxConnections()))
                .h2MaxConcurrentStreams(v.get(streams, d.h2MaxConcurrentStreams()))
                .h2InitialWindowBytes(v.get(window, (long) d.h2InitialWindowBytes()).intValue())
                .h2MaxHeaderListBytes(v.get(list, (long) d.h2MaxHeaderListBytes()).intValue())
                .maxClientHelloBytes(v.get(hello, (long) d.maxClientHelloBytes()).intValue())
                .build());
    }

    private static ObjectType<Timeouts> timeouts() {
        Timeouts d = Timeouts.defaults();
        ObjectType<Timeouts> t = new ObjectType<>("time limits");
        var tls = t.field("tlsHandshake", duration(), "accept to end of TLS handshake", "10s");
        var headers = t.field("requestHeaders", duration(), "time to a complete request head (slowloris); 408", "20s");
        var idle = t.field("idle", duration(), "keep-alive / HTTP/2 connection with no request open", "75s");
        var clientIdle = t.field("clientIdle", duration(), "longest client silence mid-request or mid-response", "60s");
        var connect = t.field("upstreamConnect", duration(), "upstream TCP (+TLS) connect; 504", "5s");
        var response = t.field("upstreamResponse", duration(), "longest upstream silence; 504", "60s");
        var request = t.field("request", duration(), "whole exchange", "5m");
        var drain = t.field("drain", duration(), "graceful shutdown: time for in-flight requests", "30s");
        var websocketIdle = t.field("websocketIdle", duration(), "a WebSocket tunnel with no traffic either way is closed", "5m");
        return t.factory(v -> Timeouts.builder()
                .tlsHandshake(v.get(tls, d.tlsHandshake()))
                .requestHeaders(v.get(headers, d.requestHeaders()))
                .idle(v.get(idle, d.idle()))
                .clientIdle(v.get(clientIdle, d.clientIdle()))
                .upstreamConnect(v.get(connect, d.upstreamConnect()))
                .upstreamResponse(v.get(response, d.upstreamResponse()))
                .request(v.get(request, d.request()))
                .drain(v.get(drain, d.drain()))
                .websocketIdle(v.get(websocketIdle, d.websocketIdle()))
                .build());
    }

    private static ObjectType<AdminConfig> admin() {
        ObjectType<AdminConfig> t = new ObjectType<>("the admin listener (/health, /ready, /metrics, /config)");
        var enabled = t.field("enabled", bool(), "run the admin listener", true);
        var host = t.field("host", text("a bind address"), "bind address; keep it on loopback or a private network", "127.0.0.1");
        var port = t.field("port", integer(0, 65535), "TCP port", AdminConfig.DEFAULT_PORT);
        var token = t.field("token", YamlTypes.secret("a bearer token, ${file:PATH} or file:PATH"),
                "when set, requests need Authorization: Bearer <token>; file:PATH reads it from a file");
        var ready = t.field("readyRequiresUpstreams", bool(), "/ready also needs every upstream to accept a TCP connection", false);
        return t.factory(v -> new AdminConfig(v.get(enabled, true), v.get(host), v.get(port, AdminConfig.DEFAULT_PORT),
                v.get(token), v.get(ready, false)));
    }

    private static ObjectType<ServerConfig> root() {
        ObjectType<ServerConfig> t = new ObjectType<>("Portcullis gateway configuration");
        var listeners = t.required("listeners", listOf(listener()), "sockets to listen on (at least one)");
        var routes = t.field("routes", listOf(route()), "the routing table; the most specific route wins");
        var clusters = t.field("clusters", clusters(),
                "named groups of upstream endpoints (like nginx upstream {}) that routes send to with cluster: NAME");
        var limits = t.field("limits", limits(), "size and count limits");
        var timeouts = t.field("timeouts", timeouts(), "time limits");
        var trusted = t.field("trustedProxies", listOf(text("a CIDR such as 10.0.0.0/8")),
                "CIDRs whose X-Forwarded-*/Forwarded headers are believed");
        var io = t.field("ioThreads", integer(0, 1024), "event-loop threads; 0 = one per core", 0);
        var transport = t.field("transport", enumOf(IoTransport.class),
                "socket I/O layer: auto (io-uring, else epoll, else nio) or one of them; a restart applies a change", "auto");
        var health = t.field("healthPath", healthPath(), "path answered by the gateway on every listener; null disables", "/healthz");
        var requestId = t.field("trustIncomingRequestId", bool(), "keep a well-formed incoming X-Request-Id", true);
        var policies = t.field("policies", listOf(policy()), "gateway-wide policies: before every route's, and on 404s");
        var admin = t.field("admin", admin(), "the admin listener");
        var compression = t.field("compression", compression(), "response compression (brotli or gzip) for every route; off by default");
        return t.factory(v -> {
            // the builder rather than the canonical constructor: a field added to the core later keeps its default
            Gateway.Builder b = Gateway.builder();
            List<BoundListener> bound = v.get(listeners);
            Map<Integer, AcmeConfig> acme = new java.util.LinkedHashMap<>();
            for (int i = 0; i < bound.size(); i++) {
                b.listener(bound.get(i).listener());
                AcmeConfig a = bound.get(i).acme();
                if (a != null) {
                    for (var e : acme.entrySet()) {
                        // one certificate's files, two different orders: the managers would overwrite each other
                        ConfigException.check(e.getValue().equals(a) || !e.getValue().certificate().equals(a.certificate()),
                                "listeners[" + i + "].tls.acme.storage", "holds the certificate for " + a.domains().get(0)
                                        + " that listeners[" + e.getKey() + "].tls.acme orders differently"
                                        + " (expected: the same acme settings, or another storage directory)");
                    }
                    acme.put(i, a);
                }
            }
            v.get(clusters, List.<ClusterConfig>of()).forEach(b::cluster);
            v.get(routes, List.<RouteConfig>of()).forEach(b::route);
            v.get(policies, List.<PolicySpec>of()).forEach(b::policy);
            if (v.get(limits) != null) {
                b.limits(v.get(limits));
            }
            if (v.get(timeouts) != null) {
                b.timeouts(v.get(timeouts));
            }
            if (v.get(compression) != null) {
                b.compression(v.get(compression));
            }
            b.trustedProxies(v.get(trusted, List.<String>of()).toArray(String[]::new))
                    .ioThreads(v.get(io, 0))
                    .transport(v.get(transport, IoTransport.AUTO))
                    .healthPath(v.has(health) ? v.get(health) : "/healthz")
                    .trustIncomingRequestId(v.get(requestId, true));
            return new ServerConfig(b.buildConfig(), v.get(admin), null, Set.of(), acme);
        });
    }

    private static YamlType<String> healthPath() {
        YamlType<String> text = text("a path starting with /, or null to disable");
        return new YamlType<>() {
            @Override
            public String bind(Node node, String path, BindContext ctx) {
                return text.bind(node, path, ctx);
            }

            @Override
            public String expected() {
                return text.expected();
            }

            @Override
            public Map<String, Object> schema() {
                return YamlTypes.map("type", List.of("string", "null"));
            }
        };
    }
}
