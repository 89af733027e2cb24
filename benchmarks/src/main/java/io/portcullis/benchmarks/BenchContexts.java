package io.portcullis.benchmarks;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.portcullis.gateway.policy.AttrKey;
import io.portcullis.gateway.policy.Principal;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** What policies need outside a running gateway: a provider context and a request. */
public final class BenchContexts {
    private BenchContexts() {
    }

    /** A provider context with its own threads; close it in {@code @TearDown}. */
    public static final class Provider implements ProviderContext, AutoCloseable {
        private final MeterRegistry meters = new SimpleMeterRegistry();
        private final ExecutorService blocking = Executors.newFixedThreadPool(2, daemon("bench-blocking"));
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("bench-timer"));
        private final List<AutoCloseable> resources = new ArrayList<>();

        @Override
        public MeterRegistry meterRegistry() {
            return meters;
        }

        @Override
        public Executor blockingExecutor() {
            return blocking;
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
            return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public synchronized void closeOnShutdown(AutoCloseable resource) {
            resources.add(resource);
        }

        @Override
        public synchronized void close() throws Exception {
            for (AutoCloseable r : resources) {
                r.close();
            }
            timer.shutdownNow();
            blocking.shutdownNow();
        }

        private static java.util.concurrent.ThreadFactory daemon(String name) {
            return r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            };
        }
    }

    /** A GET request as the policy chain sees it; reusable between invocations. */
    public static final class Request implements RequestContext {
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private final InetAddress client;
        private Principal principal;
        private Object[] attrs = new Object[16];

        public Request(String clientIp) {
            try {
                this.client = InetAddress.getByName(clientIp);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }

        /** Forgets what the last invocation set, keeping the request headers. */
        public void reset() {
            principal = null;
            java.util.Arrays.fill(attrs, null);
        }

        @Override
        public String requestId() {
            return "bench";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String host() {
            return "api.example.com";
        }

        @Override
        public String path() {
            return "/api/orders/42";
        }

        @Override
        public String query() {
            return null;
        }

        @Override
        public HttpHeaders requestHeaders() {
            return headers;
        }

        @Override
        public InetAddress clientAddress() {
            return client;
        }

        @Override
        public boolean secure() {
            return true;
        }

        @Override
        public String protocol() {
            return "HTTP/2";
        }

        @Override
        public String routeId() {
            return "api";
        }

        @Override
        public Principal principal() {
            return principal;
        }

        @Override
        public void principal(Principal principal) {
            this.principal = principal;
        }

        @Override
        public <T> T attr(AttrKey<T> key) {
            return key.index() < attrs.length ? key.cast(attrs[key.index()]) : null;
        }

        @Override
        public <T> void attr(AttrKey<T> key, T value) {
            if (key.index() >= attrs.length) {
                attrs = java.util.Arrays.copyOf(attrs, key.index() + 16);
            }
            attrs[key.index()] = value;
        }
    }
}
