package io.portcullis.gateway.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverChannelStrategy;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.portcullis.gateway.AcmeChallenges;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.internal.cluster.Cluster;
import java.nio.file.Path;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.internal.compress.Brotli;
import io.portcullis.gateway.internal.net.CidrSet;
import io.portcullis.gateway.internal.policy.PolicyChains;
import io.portcullis.gateway.internal.routing.Router;
import io.portcullis.gateway.internal.tls.ClientTlsContexts;
import io.portcullis.gateway.internal.tls.PemFiles;
import io.portcullis.gateway.observe.GatewayMetrics;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.ProviderContext;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one running gateway shares: configuration, the compiled router, the
 * per-loop upstream pools, metrics, and the registry of open connections used to drain them.
 */
public final class GatewayRuntime {

    /** A client connection that can be asked to wind down (HTTP/1.1: close when idle; HTTP/2: GOAWAY). */
    interface Drainable {
        void drain();

        /**
         * Closes the connection now, and whatever else it holds open (a tunnel's upstream); the
         * future completes when all of it is closed.
         */
        default ChannelFuture closeNow(Channel ch) {
            return ch.close();
        }
    }

    /** How long {@link #closeAll()} waits for the connections it closes. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Transport transport;
    private final EventLoopGroup workers;
    private final AddressResolverGroup<InetSocketAddress> resolverGroup;
    private final GatewayMetrics metrics;
    private final AcmeChallenges acme;
    private final Map<EventLoop, UpstreamPool> pools = new IdentityHashMap<>();
    /**
     * The configuration in force. Each event loop reads its own copy, replaced only by a task on that
     * loop ({@link #swap}): a request that looks up its route and then its policy chain in one go on
     * its loop can never mix the routing table of one configuration with the chains of another.
     */
    private volatile State current;
    private final FastThreadLocal<State> loopState = new FastThreadLocal<>();
    private final ConcurrentHashMap<Channel, Drainable> connections = new ConcurrentHashMap<>();
    /** The running clusters by configuration, and their active health checks; guarded by {@code this}. */
    private final Map<ClusterConfig, Cluster> clusters = new HashMap<>();
    private final Map<Cluster, ActiveHealthChecker> checkers = new IdentityHashMap<>();
    private volatile boolean draining;

    /**
     * What can be checked and built before any socket opens: config errors surface at build time.
     * {@code clusterByRoute} maps each route id to the cluster it sends to: a named one, or for a
     * route with a plain upstream a one-endpoint cluster named after its URL (routes with equal
     * upstreams share it, and its pool). {@code upstreamClientCertificates}: the leaf certificate of
     * each distinct client certificate presented to upstreams, by {@link #clientCertificateId}, as
     * loaded for this configuration (for the expiry gauge).
     */
    public record Prepared(GatewayConfig config, Router router, Map<String, SslContext> upstreamSsl,
                           PolicyChains policies, Map<String, ClusterConfig> clusterByRoute,
                           Map<String, X509Certificate> upstreamClientCertificates) {
    }

    /**
     * One configuration's compiled parts, swapped as a whole. {@code upstreamSsl} keeps the client
     * contexts of earlier configurations too: a request routed just before a swap may still connect.
     */
    private record State(Prepared prepared, CidrSet trustedProxies, Map<String, SslContext> upstreamSsl,
                         Map<String, Cluster> clusterByRoute) {
    }

    /** Compiles the router, the policy chains and the upstream TLS contexts; throws {@link ConfigException} naming the field. */
    public static Prepared prepare(GatewayConfig config, ProviderContext providerContext) {
        return prepare(config, providerContext, List.of());
    }

    /** Like {@link #prepare(GatewayConfig, ProviderContext)}, with policy providers supplied in code. */
    public static Prepared prepare(GatewayConfig config, ProviderContext providerContext, List<PolicyProvider> inCode) {
        Router router = Router.compile(config.routes());
        PolicyChains policies = PolicyChains.compile(config, providerContext, Gateway.class.getClassLoader(), inCode);
        Map<String, SslContext> ssl = new HashMap<>();
        Map<String, ClusterConfig> named = new HashMap<>();
        for (int i = 0; i < config.clusters().size(); i++) {
            ClusterConfig c = config.clusters().get(i);
            named.put(c.name(), c);
            if (c.endpoints().stream().anyMatch(EndpointConfig::secure)) {
                addSsl(ssl, c.trustedCertificates(), c.clientCertificate(), false, "clusters[" + i + "].");
                if (c.protocol() == ClusterConfig.Protocol.H2) { // plus the HTTP/1.1 one above, for active health checks
                    addSsl(ssl, c.trustedCertificates(), c.clientCertificate(), true, "clusters[" + i + "].");
                }
            }
        }
        Map<String, ClusterConfig> byRoute = new HashMap<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig r = config.routes().get(i);
            UpstreamConfig up = r.upstream();
            if (up == null) {
                byRoute.put(r.id(), named.get(r.cluster()));
                continue;
            }
            if (up.secure()) {
                addSsl(ssl, up.trustedCertificates(), up.clientCertificate(), false, "routes[" + i + "].upstream.");
            }
            byRoute.put(r.id(), ClusterConfig.of(up.url().toString(), up));
        }
        return new Prepared(config, router, Map.copyOf(ssl), policies, Map.copyOf(byRoute), clientCertificates(config));
    }

    /** The leaf of every client certificate the configuration presents to upstreams, read once more for the gauge. */
    private static Map<String, X509Certificate> clientCertificates(GatewayConfig config) {
        Map<String, X509Certificate> certs = new HashMap<>();
        for (int i = 0; i < config.clusters().size(); i++) {
            ClusterConfig c = config.clusters().get(i);
            if (c.clientCertificate() != null) {
                readLeaf(certs, clientCertificateId(c.name(), c.clientCertificate()), c.clientCertificate(),
                        "clusters[" + i + "].clientCertificate");
            }
        }
        for (int i = 0; i < config.routes().size(); i++) {
            UpstreamConfig up = config.routes().get(i).upstream();
            if (up != null && up.secure() && up.clientCertificate() != null) {
                readLeaf(certs, clientCertificateId(up.url().toString(), up.clientCertificate()), up.clientCertificate(),
                        "routes[" + i + "].upstream.clientCertificate");
            }
        }
        return Map.copyOf(certs);
    }

    private static void readLeaf(Map<String, X509Certificate> certs, String id, CertificateConfig cert, String field) {
        if (!certs.containsKey(id)) {
            try {
                certs.put(id, PemFiles.readCertificates(cert.certificateChain()).get(0));
            } catch (RuntimeException e) { // replaced by something unreadable since the context was built
                throw new ConfigException(field, e.getMessage(), e);
            }
        }
    }

    /**
     * Identifies a client certificate presented to upstreams, in metrics: {@code target|chain file}, where
     * the target is the upstream's URL or the cluster's name.
     */
    public static String clientCertificateId(String target, CertificateConfig cert) {
        return target + "|" + cert.certificateChain().toAbsolutePath();
    }

    private static void addSsl(Map<String, SslContext> ssl, Path trusted, CertificateConfig clientCert, boolean h2,
                               String at) {
        String key = sslKey(trusted, clientCert, h2);
        if (ssl.containsKey(key)) {
            return;
        }
        try {
            ssl.put(key, ClientTlsContexts.forUpstream(trusted, clientCert, h2));
        } catch (RuntimeException e) {
            String field = e.getMessage() != null && clientCert != null
                    && (e.getMessage().contains(String.valueOf(clientCert.certificateChain()))
                        || e.getMessage().contains(String.valueOf(clientCert.privateKey())))
                    ? "clientCertificate" : "trustedCertificates";
            throw new ConfigException(at + field, e.getMessage(), e);
        }
    }

    public GatewayRuntime(Prepared prepared, Transport transport, EventLoopGroup workers,
                          GatewayMetrics metrics, AcmeChallenges acme) {
        Objects.requireNonNull(prepared.config(), "config");
        this.transport = transport;
        this.workers = workers;
        this.metrics = metrics;
        this.acme = acme;
        for (EventExecutor e : workers) {
            EventLoop loop = (EventLoop) e;
            pools.put(loop, new UpstreamPool(loop, pools.size(), this));
        }
        Brotli.available(); // loads the optional native library here, never on an event loop
        // Netty's DNS resolver: asynchronous, caching each answer for its TTL (so endpoints follow DNS changes).
        // A socket per query, not one per loop for the gateway's life: answers are cached, IP literals
        // need none, and shutdown leaves no resolver socket whose close the stopping loops must finish.
        this.resolverGroup = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel())
                .datagramChannelStrategy(DnsNameResolverChannelStrategy.ChannelPerResolution)
                .socketChannelType(transport.socketChannel()));
        swap(prepared);
    }

    private static String sslKey(Path trusted, CertificateConfig c, boolean h2) {
        String trust = (h2 ? "h2|" : "") + (trusted == null ? "" : trusted.toAbsolutePath().toString());
        return c == null ? trust : trust + "|" + c.certificateChain().toAbsolutePath() + "|" + c.privateKey().toAbsolutePath();
    }

    /**
     * Puts a new configuration in force for new requests; requests already routed finish with the
     * one they started with. Returns once every event loop uses it. The caller makes sure that
     * listeners, limits, timeouts and threads are unchanged (see {@link Gateway#reload}).
     */
    public synchronized void swap(Prepared next) {
        Map<String, SslContext> ssl = new HashMap<>(current == null ? Map.of() : current.upstreamSsl());
        ssl.putAll(next.upstreamSsl());
        // a cluster whose configuration is unchanged keeps running as it is: its health and ejections carry over
        Map<ClusterConfig, Cluster> kept = new HashMap<>();
        Map<String, Cluster> byRoute = new HashMap<>();
        for (Map.Entry<String, ClusterConfig> e : next.clusterByRoute().entrySet()) {
            Cluster c = kept.computeIfAbsent(e.getValue(), cfg -> {
                Cluster old = clusters.get(cfg);
                return old != null ? old : new Cluster(cfg, pools.size(), metrics);
            });
            byRoute.put(e.getKey(), c);
        }
        State s = new State(next, CidrSet.of(next.config().trustedProxies()), Map.copyOf(ssl), Map.copyOf(byRoute));
        current = s;
        List<Future<?>> applied = new ArrayList<>();
        for (EventExecutor e : workers) {
            applied.add(e.submit(() -> loopState.set(s)));
        }
        for (Future<?> f : applied) {
            f.syncUninterruptibly();
        }
        for (Map.Entry<ClusterConfig, Cluster> e : clusters.entrySet()) {
            if (kept.get(e.getKey()) != e.getValue()) {
                ActiveHealthChecker checker = checkers.remove(e.getValue());
                if (checker != null) {
                    checker.stop();
                }
            }
        }
        for (Cluster c : kept.values()) {
            if (c.config().activeHealth() != null && !checkers.containsKey(c)) {
                ActiveHealthChecker checker = new ActiveHealthChecker(c, this, workers.next());
                checkers.put(c, checker);
                checker.start();
            }
        }
        clusters.clear();
        clusters.putAll(kept);
    }

    private State state() {
        State s = loopState.getIfExists();
        return s != null ? s : current;
    }

    public GatewayConfig config() {
        return state().prepared().config();
    }

    Limits limits() {
        return config().limits();
    }

    Timeouts timeouts() {
        return config().timeouts();
    }

    Transport transport() {
        return transport;
    }

    AddressResolverGroup<InetSocketAddress> resolverGroup() {
        return resolverGroup;
    }

    Router router() {
        return state().prepared().router();
    }

    PolicyChains policies() {
        return state().prepared().policies();
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    AcmeChallenges acme() {
        return acme;
    }

    CidrSet trustedProxies() {
        return state().trustedProxies();
    }

    /** The cluster's upstream TLS context: with ALPN offering only {@code h2} when {@code h2}, else without ALPN. */
    SslContext upstreamSslContext(ClusterConfig cluster, boolean h2) {
        return state().upstreamSsl().get(sslKey(cluster.trustedCertificates(), cluster.clientCertificate(), h2));
    }

    /** The cluster route {@code routeId} sends to. */
    Cluster cluster(String routeId) {
        return state().clusterByRoute().get(routeId);
    }

    UpstreamPool pool(EventLoop loop) {
        UpstreamPool p = pools.get(loop);
        if (p == null) {
            throw new IllegalStateException("not a gateway event loop: " + loop);
        }
        return p;
    }

    /** Whether the gateway is shutting down: responses close their connections, health answers 503. */
    public boolean draining() {
        return draining;
    }

    void register(Channel ch, Drainable d) {
        connections.put(ch, d);
        ch.closeFuture().addListener(f -> connections.remove(ch));
        if (draining) {
            d.drain();
        }
    }

    /** Starts a graceful shutdown of every open connection. */
    public void startDraining() {
        draining = true;
        for (Drainable d : connections.values()) {
            d.drain();
        }
    }

    /** Winds down the connections accepted by one listener socket (a reload removed or moved that listener). */
    public void drainConnectionsOf(Channel serverChannel) {
        connections.forEach((ch, d) -> {
            if (ch.parent() == serverChannel) {
                d.drain();
            }
        });
    }

    /** Client connections still open. */
    public int openConnections() {
        return connections.size();
    }

    /** Closes what is left: client connections, pooled upstream connections, the resolver. */
    public void closeAll() {
        synchronized (this) {
            checkers.values().forEach(ActiveHealthChecker::stop);
            checkers.clear();
        }
        List<Future<?>> closing = new ArrayList<>();
        connections.forEach((ch, d) -> closing.add(d.closeNow(ch)));
        List<Future<List<ChannelFuture>>> upstream = new ArrayList<>();
        for (Map.Entry<EventLoop, UpstreamPool> e : pools.entrySet()) {
            upstream.add(e.getKey().submit(e.getValue()::closeAll));
        }
        // The event loops stop next: let these closes reach the sockets first. With io_uring a
        // close is itself a submission that the loop must still complete; one completed only while
        // its loop shuts down fails there ("event executor terminated").
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (Future<List<ChannelFuture>> f : upstream) {
            if (awaitUntil(f, deadline) && f.isSuccess()) {
                closing.addAll(f.getNow());
            }
        }
        for (Future<?> f : closing) {
            if (!awaitUntil(f, deadline)) {
                break;
            }
        }
        resolverGroup.close();
    }

    private static boolean awaitUntil(Future<?> f, long deadline) {
        long left = deadline - System.nanoTime();
        return left > 0 && f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
    }
}
