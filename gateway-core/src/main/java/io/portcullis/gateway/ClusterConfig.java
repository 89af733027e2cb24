package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named group of interchangeable upstream endpoints that routes send requests to, like an nginx
 * {@code upstream {}} block: balancing, connection pool limits, passive and active health, retries.
 *
 * @param name                unique name; routes refer to it ({@link RouteConfig#cluster()})
 * @param endpoints           one or more endpoints (at most 256)
 * @param balancing           how an endpoint is picked
 * @param pool                connection pool limits
 * @param passiveHealth       ejection of endpoints that fail live requests
 * @param activeHealth        periodic probe of every endpoint, or null for none
 * @param retries             retries of failed attempts on other endpoints
 * @param connectTimeout      TCP (+TLS) connect to an endpoint; null uses {@link Timeouts#upstreamConnect()}
 * @param responseTimeout     longest endpoint silence; null uses {@link Timeouts#upstreamResponse()}
 * @param trustedCertificates for https endpoints: a PEM CA bundle to trust instead of the JDK's trust store
 * @param preserveHost        send the client's {@code Host} (true) or the endpoint's authority
 * @param clientCertificate   for https endpoints: the certificate the gateway presents (mutual TLS), or null
 * @param protocol            how requests travel to the endpoints: {@link Protocol#HTTP1} (default), {@link Protocol#H2}
 *                            (HTTP/2 over TLS, negotiated with ALPN; https endpoints only) or {@link Protocol#H2C}
 *                            (cleartext HTTP/2 with prior knowledge; http endpoints only)
 * @param sni                 for https endpoints: the server name sent in the TLS SNI extension and checked against the
 *                            endpoint's certificate instead of the endpoint's host, or null for the host (an IP
 *                            endpoint then sends no SNI and its certificate must name the IP)
 */
public record ClusterConfig(
        String name,
        List<EndpointConfig> endpoints,
        LoadBalancing balancing,
        PoolLimits pool,
        PassiveHealth passiveHealth,
        ActiveHealthCheck activeHealth,
        RetryPolicy retries,
        Duration connectTimeout,
        Duration responseTimeout,
        Path trustedCertificates,
        boolean preserveHost,
        CertificateConfig clientCertificate,
        Protocol protocol,
        String sni) {

    public static final int MAX_ENDPOINTS = 256;

    /** The protocol spoken to a cluster's endpoints. */
    public enum Protocol {
        /** HTTP/1.1 over pooled keep-alive connections. */
        HTTP1,
        /** HTTP/2 over TLS (ALPN {@code h2}), streams multiplexed over few connections. */
        H2,
        /** HTTP/2 over cleartext TCP with prior knowledge (no Upgrade), streams multiplexed over few connections. */
        H2C;

        public boolean http2() {
            return this != HTTP1;
        }
    }

    /** Without protocol and SNI options: HTTP/1.1, SNI from the endpoint's host. */
    public ClusterConfig(String name, List<EndpointConfig> endpoints, LoadBalancing balancing, PoolLimits pool,
                         PassiveHealth passiveHealth, ActiveHealthCheck activeHealth, RetryPolicy retries,
                         Duration connectTimeout, Duration responseTimeout, Path trustedCertificates,
                         boolean preserveHost, CertificateConfig clientCertificate) {
        this(name, endpoints, balancing, pool, passiveHealth, activeHealth, retries, connectTimeout, responseTimeout,
                trustedCertificates, preserveHost, clientCertificate, Protocol.HTTP1, null);
    }

    public ClusterConfig {
        check(name != null && !name.isBlank() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f), "name",
                "'" + name + "' (expected: a cluster name without spaces)");
        endpoints = List.copyOf(ConfigException.required(endpoints, "endpoints", "at least one endpoint"));
        check(!endpoints.isEmpty(), "endpoints", "empty (expected: at least one endpoint)");
        check(endpoints.size() <= MAX_ENDPOINTS, "endpoints", endpoints.size() + " endpoints (expected: at most " + MAX_ENDPOINTS + ")");
        Set<String> seen = new HashSet<>();
        boolean anySecure = false;
        for (int i = 0; i < endpoints.size(); i++) {
            EndpointConfig e = endpoints.get(i);
            check(seen.add(e.secure() + "|" + e.host() + ":" + e.port()), "endpoints[" + i + "].url",
                    "'" + e.url() + "' is listed twice (expected: distinct endpoints; use weight instead)");
            anySecure |= e.secure();
        }
        balancing = balancing == null ? LoadBalancing.roundRobin() : balancing;
        pool = pool == null ? PoolLimits.defaults() : pool;
        passiveHealth = passiveHealth == null ? PassiveHealth.defaults() : passiveHealth;
        retries = retries == null ? RetryPolicy.defaults() : retries;
        check(connectTimeout == null || (!connectTimeout.isNegative() && !connectTimeout.isZero()), "connectTimeout",
                connectTimeout + " (expected: > 0)");
        check(responseTimeout == null || (!responseTimeout.isNegative() && !responseTimeout.isZero()), "responseTimeout",
                responseTimeout + " (expected: > 0)");
        check(trustedCertificates == null || anySecure, "trustedCertificates",
                "set but no endpoint is https (expected: only with https endpoints)");
        check(clientCertificate == null || anySecure, "clientCertificate",
                "set but no endpoint is https (expected: only with https endpoints)");
        protocol = protocol == null ? Protocol.HTTP1 : protocol;
        for (int i = 0; i < endpoints.size(); i++) {
            EndpointConfig e = endpoints.get(i);
            check(protocol != Protocol.H2 || e.secure(), "endpoints[" + i + "].url",
                    "'" + e.url() + "' is not https (expected: https endpoints with protocol h2; use h2c for cleartext HTTP/2)");
            check(protocol != Protocol.H2C || !e.secure(), "endpoints[" + i + "].url",
                    "'" + e.url() + "' is https (expected: http endpoints with protocol h2c; use h2 for HTTP/2 over TLS)");
        }
        check(sni == null || anySecure, "sni", "set but no endpoint is https (expected: only with https endpoints)");
        check(sni == null || validSni(sni), "sni",
                "'" + sni + "' (expected: a DNS host name such as upstream.example.com; SNI cannot carry an IP address)");
    }

    /** A DNS name as SNI takes it (RFC 6066: a host name, not an IP literal). */
    static boolean validSni(String s) {
        if (s.isEmpty() || s.length() > 253 || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!(alpha || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return false;
            }
            letter |= alpha || c == '-';
        }
        return letter; // all digits and dots would be an IPv4 address
    }

    /** The one-endpoint cluster a route with a plain {@link UpstreamConfig} uses: no ejection, no retries elsewhere. */
    public static ClusterConfig of(String name, UpstreamConfig upstream) {
        return builder(name).endpoint(new EndpointConfig(upstream.url(), 1))
                .passiveHealth(PassiveHealth.off())
                .trustedCertificates(upstream.trustedCertificates())
                .preserveHost(upstream.preserveHost())
                .clientCertificate(upstream.clientCertificate())
                .sni(upstream.sni())
                .build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.endpoints.addAll(endpoints);
        b.balancing = balancing;
        b.pool = pool;
        b.passiveHealth = passiveHealth;
        b.activeHealth = activeHealth;
        b.retries = retries;
        b.connectTimeout = connectTimeout;
        b.responseTimeout = responseTimeout;
        b.trustedCertificates = trustedCertificates;
        b.preserveHost = preserveHost;
        b.clientCertificate = clientCertificate;
        b.protocol = protocol;
        b.sni = sni;
        return b;
    }

    /** Builds a {@link ClusterConfig}; unset parts keep their defaults. */
    public static final class Builder {
        private final String name;
        private final List<EndpointConfig> endpoints = new ArrayList<>();
        private LoadBalancing balancing;
        private PoolLimits pool;
        private PassiveHealth passiveHealth;
        private ActiveHealthCheck activeHealth;
        private RetryPolicy retries;
        private Duration connectTimeout;
        private Duration responseTimeout;
        private Path trustedCertificates;
        private boolean preserveHost = true;
        private CertificateConfig clientCertificate;
        private Protocol protocol;
        private String sni;

        private Builder(String name) {
            this.name = name;
        }

        public Builder endpoint(String url) { return endpoint(EndpointConfig.of(url)); }
        public Builder endpoint(String url, int weight) { return endpoint(EndpointConfig.of(url, weight)); }
        public Builder endpoint(EndpointConfig e) { endpoints.add(Objects.requireNonNull(e, "endpoint")); return this; }
        public Builder clearEndpoints() { endpoints.clear(); return this; }
        public Builder balancing(LoadBalancing v) { balancing = v; return this; }
        public Builder pool(PoolLimits v) { pool = v; return this; }
        public Builder passiveHealth(PassiveHealth v) { passiveHealth = v; return this; }
        public Builder activeHealth(ActiveHealthCheck v) { activeHealth = v; return this; }
        public Builder retries(RetryPolicy v) { retries = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder responseTimeout(Duration v) { responseTimeout = v; return this; }
        public Builder trustedCertificates(Path v) { trustedCertificates = v; return this; }
        public Builder preserveHost(boolean v) { preserveHost = v; return this; }
        public Builder clientCertificate(CertificateConfig v) { clientCertificate = v; return this; }
        public Builder protocol(Protocol v) { protocol = v; return this; }
        public Builder sni(String v) { sni = v; return this; }

        public ClusterConfig build() {
            return new ClusterConfig(name, endpoints, balancing, pool, passiveHealth, activeHealth, retries,
                    connectTimeout, responseTimeout, trustedCertificates, preserveHost, clientCertificate, protocol, sni);
        }
    }
}
