package io.portcullis.gateway.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.portcullis.gateway.AcmeHttpChallenges;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.Timeouts;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.internal.net.CidrSet;
import io.portcullis.gateway.internal.policy.PolicyChains;
import io.portcullis.gateway.internal.routing.Router;
import io.portcullis.gateway.internal.tls.ClientTlsContexts;
import io.portcullis.gateway.observe.GatewayMetrics;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.ProviderContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one running gateway shares: configuration, the compiled router, the
 * per-loop upstream pools, metrics, and the registry of open connections used to drain them.
 */
public final class GatewayRuntime {

    /** A client connection that can be asked to wind down (HTTP/1.1: close when idle; HTTP/2: GOAWAY). */
    interface Drainable {
        void drain();
    }

    private final Transport transport;
    private final EventLoopGroup workers;
    private final AddressResolverGroup<InetSocketAddress> resolverGroup;
    private final GatewayMetrics metrics;
    private final AcmeHttpChallenges acme;
    private final Map<EventLoop, UpstreamPool> pools = new IdentityHashMap<>();
    /**
     * The configuration in force. Each event loop reads its own copy, replaced only by a task on that
     * loop ({@link #swap}): a request that looks up its route and then its policy chain in one go on
     * its loop can never mix the routing table of one configuration with the chains of another.
     */
    private volatile State current;
    private final FastThreadLocal<State> loopState = new FastThreadLocal<>();
    private final ConcurrentHashMap<Channel, Drainable> connections = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** What can be checked and built before any socket opens: config errors surface at build time. */
    public record Prepared(GatewayConfig config, Router router, Map<String, SslContext> upstreamSsl,
                           PolicyChains policies) {
    }

    /**
     * One configuration's compiled parts, swapped as a whole. {@code upstreamSsl} keeps the client
     * contexts of earlier configurations too: a request routed just before a swap may still connect.
     */
    private record State(Prepared prepared, CidrSet trustedProxies, Map<String, SslContext> upstreamSsl) {
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
        for (int i = 0; i < config.routes().size(); i++) {
            UpstreamConfig up = config.routes().get(i).upstream();
            if (up.secure() && !ssl.containsKey(sslKey(up))) {
                try {
                    ssl.put(sslKey(up), ClientTlsContexts.forUpstream(up.trustedCertificates(), up.clientCertificate()));
                } catch (RuntimeException e) {
                    String field = e.getMessage() != null && up.clientCertificate() != null
                            && (e.getMessage().contains(String.valueOf(up.clientCertificate().certificateChain()))
                                || e.getMessage().contains(String.valueOf(up.clientCertificate().privateKey())))
                            ? "clientCertificate" : "trustedCertificates";
                    throw new ConfigException("routes[" + i + "].upstream." + field, e.getMessage(), e);
                }
            }
        }
        return new Prepared(config, router, Map.copyOf(ssl), policies);
    }

    public GatewayRuntime(Prepared prepared, Transport transport, EventLoopGroup workers,
                          GatewayMetrics metrics, AcmeHttpChallenges acme) {
        Objects.requireNonNull(prepared.config(), "config");
        this.transport = transport;
        this.workers = workers;
        this.metrics = metrics;
        this.acme = acme;
        for (EventExecutor e : workers) {
            EventLoop loop = (EventLoop) e;
            pools.put(loop, new UpstreamPool(loop, this));
        }
        swap(prepared);
        this.resolverGroup = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.socketChannel()));
    }

    private static String sslKey(UpstreamConfig up) {
        String trust = up.trustedCertificates() == null ? "" : up.trustedCertificates().toAbsolutePath().toString();
        CertificateConfig c = up.clientCertificate();
        return c == null ? trust : trust + "|" + c.certificateChain().toAbsolutePath() + "|" + c.privateKey().toAbsolutePath();
    }

    /**
     * Puts a new configuration in force for new requests; requests already routed finish with the
     * one they started with. Returns once every event loop uses it. The caller makes sure that
     * listeners, limits, timeouts and threads are unchanged (see {@link Gateway#reload}).
     */
    public void swap(Prepared next) {
        Map<String, SslContext> ssl = new HashMap<>(current == null ? Map.of() : current.upstreamSsl());
        ssl.putAll(next.upstreamSsl());
        State s = new State(next, CidrSet.of(next.config().trustedProxies()), Map.copyOf(ssl));
        current = s;
        List<Future<?>> applied = new ArrayList<>();
        for (EventExecutor e : workers) {
            applied.add(e.submit(() -> loopState.set(s)));
        }
        for (Future<?> f : applied) {
            f.syncUninterruptibly();
        }
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

    AcmeHttpChallenges acme() {
        return acme;
    }

    CidrSet trustedProxies() {
        return state().trustedProxies();
    }

    SslContext upstreamSslContext(UpstreamConfig upstream) {
        return state().upstreamSsl().get(sslKey(upstream));
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

    /** Client connections still open. */
    public int openConnections() {
        return connections.size();
    }

    /** Closes what is left: client connections, pooled upstream connections, the resolver. */
    public void closeAll() {
        for (Channel ch : connections.keySet()) {
            ch.close();
        }
        for (Map.Entry<EventLoop, UpstreamPool> e : pools.entrySet()) {
            e.getKey().execute(e.getValue()::closeAll);
        }
        resolverGroup.close();
    }
}
