package io.portcullis.gateway.jwt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.gateway.policy.ProviderContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from a JWKS URL (or a {@link JwtKeySource} given in code). Fetches run on the gateway's blocking executor (never an event loop); request
 * threads only read {@link #current()}. The set is refreshed every {@code refreshInterval}; a token
 * with an unknown {@code kid} triggers an early refresh, single-flight and at most once per
 * {@code minRefreshInterval}. A failed fetch never replaces the last good set (stale-while-error)
 * and is retried with backoff.
 */
final class RemoteJwks implements KeySource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
    static final int MAX_BYTES = 512 * 1024;
    static final int MAX_KEYS = 100;
    private static final Duration MAX_RETRY = Duration.ofMinutes(1);

    private final String source;
    private final Callable<String> document;
    private final Duration refreshInterval;
    private final Duration minRefreshInterval;
    private final ProviderContext context;
    private final List<Consumer<Set<String>>> removalListeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<KeySet>> inflight = new AtomicReference<>();
    private final Counter successes;
    private final Counter failures;

    private volatile KeySet current;
    private volatile long lastFetchStartNanos;
    private volatile long lastSuccessMillis;
    private volatile int consecutiveFailures; // written by one fetch at a time (single-flight)
    private volatile boolean closed;
    private volatile java.util.concurrent.ScheduledFuture<?> nextRefresh;

    RemoteJwks(URI uri, SSLContext sslContext, Duration refreshInterval, Duration minRefreshInterval,
               Duration fetchTimeout, ProviderContext context) {
        this(uri.toString(), new Download(uri, sslContext, fetchTimeout), refreshInterval, minRefreshInterval, context);
    }

    /**
     * Keys from {@code document}, a callable giving a JWK set document (run on the blocking executor):
     * how key sets supplied in code ({@link JwtKeySource}) are refreshed like those from a URL.
     */
    RemoteJwks(String source, Callable<String> document, Duration refreshInterval, Duration minRefreshInterval,
               ProviderContext context) {
        this.source = source;
        this.document = document;
        this.refreshInterval = refreshInterval;
        this.minRefreshInterval = minRefreshInterval;
        this.context = context;
        this.lastFetchStartNanos = System.nanoTime() - minRefreshInterval.toNanos();
        MeterRegistry meters = context.meterRegistry();
        this.successes = Counter.builder("portcullis.jwks.fetches").tag("source", source).tag("result", "success")
                .register(meters);
        this.failures = Counter.builder("portcullis.jwks.fetches").tag("source", source).tag("result", "failure")
                .register(meters);
        Gauge.builder("portcullis.jwks.keys", this, r -> r.current == null ? 0 : r.current.keys.size())
                .tag("source", source).register(meters);
        Gauge.builder("portcullis.jwks.age", this,
                        r -> r.lastSuccessMillis == 0 ? Double.NaN : (System.currentTimeMillis() - r.lastSuccessMillis) / 1000.0)
                .tag("source", source).baseUnit("seconds").register(meters);
    }

    /** Starts the first fetch; later ones follow on the timer. */
    RemoteJwks start() {
        periodic();
        return this;
    }

    @Override
    public KeySet current() {
        return current;
    }

    @Override
    public CompletableFuture<KeySet> refresh() {
        CompletableFuture<KeySet> running = inflight.get();
        if (running != null) {
            return running;
        }
        if (System.nanoTime() - lastFetchStartNanos < minRefreshInterval.toNanos()) {
            return null;
        }
        return fetch();
    }

    @Override
    public void onKeysRemoved(Consumer<Set<String>> listener) {
        removalListeners.add(listener);
    }

    /** Stops the periodic refresh (the gateway closed, or a reload replaced the policies using this set). */
    @Override
    public void close() {
        closed = true;
        java.util.concurrent.ScheduledFuture<?> f = nextRefresh;
        if (f != null) {
            f.cancel(false);
        }
    }

    private void periodic() {
        if (closed) {
            return;
        }
        CompletableFuture<KeySet> f = fetch();
        f.whenComplete((ks, err) -> {
            Duration next = refreshInterval;
            if (err != null) {
                // 1 s, 2 s, 4 s ... up to a minute (or the refresh interval), with jitter against thundering herds
                long backoff = Math.min(Math.min(MAX_RETRY.toMillis(), refreshInterval.toMillis()),
                        1000L << Math.min(consecutiveFailures - 1, 16));
                next = Duration.ofMillis(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            }
            try {
                if (!closed) {
                    nextRefresh = context.schedule(this::periodic, next);
                }
            } catch (RejectedExecutionException gatewayClosing) {
                // nothing left to refresh for
            }
        });
    }

    /** Starts a fetch unless one is under way (then returns that one). */
    private CompletableFuture<KeySet> fetch() {
        CompletableFuture<KeySet> mine = new CompletableFuture<>();
        while (true) {
            if (inflight.compareAndSet(null, mine)) {
                break;
            }
            CompletableFuture<KeySet> other = inflight.get();
            if (other != null) {
                return other;
            }
        }
        lastFetchStartNanos = System.nanoTime();
        try {
            context.blockingExecutor().execute(() -> load(mine));
        } catch (RejectedExecutionException e) {
            inflight.set(null);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    private void load(CompletableFuture<KeySet> result) {
        KeySet next;
        try {
            next = KeySet.parse(document.call(), source, MAX_KEYS);
        } catch (Exception e) {
            consecutiveFailures++;
            failures.increment();
            LOG.warn("JWKS {}: fetch failed ({}); {}", source, describe(e),
                    current == null ? "no keys yet: tokens of this issuer are refused" : "keeping the last good key set");
            inflight.set(null);
            result.completeExceptionally(e);
            return;
        }
        KeySet previous = current;
        current = next;
        consecutiveFailures = 0;
        lastSuccessMillis = System.currentTimeMillis();
        successes.increment();
        inflight.set(null);
        if (previous != null) {
            Set<String> removed = new HashSet<>(previous.thumbprints);
            removed.removeAll(next.thumbprints);
            if (!removed.isEmpty()) {
                LOG.info("JWKS {}: {} key(s) removed, {} key(s) now", source, removed.size(), next.keys.size());
                for (Consumer<Set<String>> l : removalListeners) {
                    l.accept(removed);
                }
            }
            if (!next.kids.equals(previous.kids)) {
                LOG.info("JWKS {}: key ids now {}", source, next.kids);
            }
        } else {
            LOG.info("JWKS {}: loaded {} key(s)", source, next.keys.size());
        }
        result.complete(next);
    }

    /** GET of a JWKS URL: no redirects, bounded time and size. */
    private static final class Download implements Callable<String> {
        private final URI uri;
        private final HttpClient client;
        private final Duration fetchTimeout;

        Download(URI uri, SSLContext sslContext, Duration fetchTimeout) {
            this.uri = uri;
            HttpClient.Builder b = HttpClient.newBuilder()
                    .connectTimeout(fetchTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (sslContext != null) {
                b.sslContext(sslContext);
            }
            this.client = b.build();
            this.fetchTimeout = fetchTimeout;
        }

        @Override
        public String call() throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(fetchTimeout)
                    .header("Accept", "application/jwk-set+json, application/json")
                    .GET()
                    .build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP status " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new IOException("larger than " + MAX_BYTES + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public String toString() {
        return source;
    }
}
