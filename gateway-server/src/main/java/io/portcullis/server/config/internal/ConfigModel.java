package io.portcullis.server.config.internal;

import static io.portcullis.server.config.internal.YamlTypes.bool;
import static io.portcullis.server.config.internal.YamlTypes.duration;
import static io.portcullis.server.config.internal.YamlTypes.enumOf;
import static io.portcullis.server.config.internal.YamlTypes.integer;
import static io.portcullis.server.config.internal.YamlTypes.listOf;
import static io.portcullis.server.config.internal.YamlTypes.path;
import static io.portcullis.server.config.internal.YamlTypes.size;
import static io.portcullis.server.config.internal.YamlTypes.text;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.ConnectionLimits;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.IpRules;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.UpstreamConfig;
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

    private static ObjectType<TlsConfig> tls() {
        ObjectType<TlsConfig> t = new ObjectType<>("TLS settings of an https listener");
        var certs = t.required("certificates", listOf(certificate()),
                "certificates selected by SNI; the first is the default");
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
            TlsConfig.Builder b = TlsConfig.builder().certificates(v.get(certs)).protocols(v.get(protocols))
                    .cipherSuites(v.get(suites)).sessionTickets(v.get(tickets, true)).reloadInterval(v.get(reload));
            if (v.get(clientAuth) != null || v.get(clientCa) != null) {
                b.clientAuth(v.get(clientAuth, TlsConfig.ClientAuth.NONE), v.get(clientCa));
            }
            return b.build();
        });
    }

    private static ObjectType<ListenerConfig> listener() {
        ObjectType<ListenerConfig> t = new ObjectType<>("a listener");
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
                case HTTPS -> ListenerConfig.https(v.get(port), ConfigException.required(v.get(tls), "tls",
                        "certificates for an https listener"));
                case HTTP -> ListenerConfig.http(v.get(port));
                case REDIRECT -> ListenerConfig.redirect(v.get(port), ConfigException.required(v.get(httpsPort), "httpsPort",
                        "the port named in Location, 1-65535"));
            };
            l = v.get(host) == null ? l : l.bind(v.get(host));
            l = v.get(connectionLimits) == null ? l : l.withConnectionLimits(v.get(connectionLimits));
            l = v.get(ipRules) == null ? l : l.withIpRules(v.get(ipRules));
            return v.get(name) == null ? l : l.named(v.get(name));
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
        return t.factory(v -> {
            UpstreamConfig u = new UpstreamConfig(uri(v.get(url)), v.get(trusted), v.get(preserve, true));
            return v.get(clientCert) == null ? u : u.withClientCertificate(v.get(clientCert));
        });
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
                return "an upstream URL, or a mapping with url, trustedCertificates, preserveHost";
            }

            @Override
            public Map<String, Object> schema() {
                return YamlTypes.map("anyOf", List.of(
                        YamlTypes.map("type", "string", "pattern", "^(https?://|\\$\\{)"), object.schema()));
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
        var upstream = t.required("upstream", upstream(), "where matching requests go");
        var rewrite = t.field("rewrite", enumOf(RouteConfig.Rewrite.class),
                "none, strip-prefix or replace-prefix (with rewriteTo)", "none");
        var rewriteTo = t.field("rewriteTo", text("a path starting with /"), "the new prefix for replace-prefix");
        var body = t.field("maxRequestBodyBytes", size(Long.MAX_VALUE), "request body limit for this route; default limits.maxRequestBodyBytes");
        var policies = t.field("policies", listOf(policy()), "this route's policies, after the gateway-wide ones");
        return t.factory(v -> {
            RouteConfig.Rewrite rw = v.get(rewrite, RouteConfig.Rewrite.NONE);
            ConfigException.check(rw == RouteConfig.Rewrite.REPLACE_PREFIX || v.get(rewriteTo) == null, "rewriteTo",
                    "set without rewrite: replace-prefix");
            // the builder rather than the canonical constructor: a component added to the record later keeps its default
            RouteConfig.Builder b = v.get(match) == RouteConfig.PathMatch.EXACT
                    ? RouteConfig.exact(v.get(path)) : RouteConfig.prefix(v.get(path));
            b.id(v.get(id)).host(v.get(hosts, List.<String>of()).toArray(String[]::new))
                    .methods(v.get(methods, List.<String>of()).toArray(String[]::new)).to(v.get(upstream));
            if (rw == RouteConfig.Rewrite.STRIP_PREFIX) {
                b.stripPrefix();
            } else if (rw == RouteConfig.Rewrite.REPLACE_PREFIX) {
                b.replacePrefix(v.get(rewriteTo));
            }
            if (v.get(body) != null) {
                b.maxRequestBodyBytes(v.get(body));
            }
            v.get(policies, List.<PolicySpec>of()).forEach(b::policy);
            return b.build();
        });
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
        return t.factory(v -> Timeouts.builder()
                .tlsHandshake(v.get(tls, d.tlsHandshake()))
                .requestHeaders(v.get(headers, d.requestHeaders()))
                .idle(v.get(idle, d.idle()))
                .clientIdle(v.get(clientIdle, d.clientIdle()))
                .upstreamConnect(v.get(connect, d.upstreamConnect()))
                .upstreamResponse(v.get(response, d.upstreamResponse()))
                .request(v.get(request, d.request()))
                .drain(v.get(drain, d.drain()))
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
        var limits = t.field("limits", limits(), "size and count limits");
        var timeouts = t.field("timeouts", timeouts(), "time limits");
        var trusted = t.field("trustedProxies", listOf(text("a CIDR such as 10.0.0.0/8")),
                "CIDRs whose X-Forwarded-*/Forwarded headers are believed");
        var io = t.field("ioThreads", integer(0, 1024), "event-loop threads; 0 = one per core", 0);
        var health = t.field("healthPath", healthPath(), "path answered by the gateway on every listener; null disables", "/healthz");
        var requestId = t.field("trustIncomingRequestId", bool(), "keep a well-formed incoming X-Request-Id", true);
        var policies = t.field("policies", listOf(policy()), "gateway-wide policies: before every route's, and on 404s");
        var admin = t.field("admin", admin(), "the admin listener");
        return t.factory(v -> {
            // the builder rather than the canonical constructor: a field added to the core later keeps its default
            Gateway.Builder b = Gateway.builder();
            v.get(listeners).forEach(b::listener);
            v.get(routes, List.<RouteConfig>of()).forEach(b::route);
            v.get(policies, List.<PolicySpec>of()).forEach(b::policy);
            if (v.get(limits) != null) {
                b.limits(v.get(limits));
            }
            if (v.get(timeouts) != null) {
                b.timeouts(v.get(timeouts));
            }
            b.trustedProxies(v.get(trusted, List.<String>of()).toArray(String[]::new))
                    .ioThreads(v.get(io, 0))
                    .healthPath(v.has(health) ? v.get(health) : "/healthz")
                    .trustIncomingRequestId(v.get(requestId, true));
            return new ServerConfig(b.buildConfig(), v.get(admin), null, Set.of());
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
