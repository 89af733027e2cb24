package io.portcullis.client;

import io.portcullis.client.internal.Call;
import io.portcullis.client.internal.CallMetrics;
import io.portcullis.client.internal.ClientCore;
import io.portcullis.client.internal.JsonCodecs;
import io.portcullis.client.internal.MicrometerCallMetrics;
import io.portcullis.client.internal.RetryBudget;
import io.portcullis.client.internal.Urls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Calls services through the Portcullis gateway over the JDK HTTP client (HTTP/2 with ALPN,
 * connections reused). One instance per application: thread-safe, holds the connection pool.
 * Error statuses are thrown as typed {@link PortcullisException}s carrying the request id; 429 and
 * 503 are retried as the {@link RetryPolicy} allows; credentials come from a {@link TokenProvider}.
 *
 * <pre>{@code
 * try (PortcullisClient client = PortcullisClient.builder()
 *         .baseUrl("https://api.example.com")
 *         .tokenProvider(TokenProvider.bearer(token))
 *         .build()) {
 *     Order order = client.send(ClientRequest.get("/v1/orders/42").build(), Order.class);
 * }
 * }</pre>
 */
public final class PortcullisClient implements AutoCloseable {
    private final ClientCore core;
    private volatile boolean closed;

    private PortcullisClient(ClientCore core) {
        this.core = core;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends and waits; the whole body in memory. */
    public ClientResponse send(ClientRequest request) {
        return join(sendAsync(request));
    }

    /** Sends and decodes the JSON body as {@code type}. */
    public <T> T send(ClientRequest request, Class<T> type) {
        return join(sendAsync(request, type));
    }

    /** {@code GET path}, the body as a {@code type}. */
    public <T> T get(String path, Class<T> type) {
        return send(ClientRequest.get(path).build(), type);
    }

    /** {@code GET path}. */
    public ClientResponse get(String path) {
        return send(ClientRequest.get(path).build());
    }

    public CompletableFuture<ClientResponse> sendAsync(ClientRequest request) {
        return start(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(o -> new ClientResponse(o.response().statusCode(), o.response().headers(),
                        o.response().body(), o.requestId(), o.attempts(), core.codec(), o.response().version()));
    }

    public <T> CompletableFuture<T> sendAsync(ClientRequest request, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return sendAsync(request).thenApply(r -> r.status() == 204 || r.body().length == 0 ? null : r.as(type));
    }

    /** Sends and returns once the headers are in; the body streams. Close the response. */
    public StreamedResponse stream(ClientRequest request) {
        return join(streamAsync(request));
    }

    public CompletableFuture<StreamedResponse> streamAsync(ClientRequest request) {
        return start(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(o -> new StreamedResponse(o.response().statusCode(), o.response().headers(),
                        o.response().body(), o.requestId()));
    }

    private <T> CompletableFuture<Call.Outcome<T>> start(ClientRequest request, HttpResponse.BodyHandler<T> handler) {
        Objects.requireNonNull(request, "request");
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        return new Call<>(core, request, handler).start();
    }

    /** The codec this client maps JSON with. */
    public JsonCodec codec() {
        return core.codec();
    }

    /**
     * Refuses new calls. Calls in flight finish. On JDK 21+ this also closes the HTTP client (its
     * connections and threads); on JDK 17 the JDK frees them once the client is unreachable.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        core.scheduler().shutdown(); // waits already scheduled still run; new ones fail their call
        Object http = core.http();
        if (http instanceof AutoCloseable c) { // HttpClient implements AutoCloseable from JDK 21
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the HTTP client failed", e);
            }
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re; // the typed exception itself, so callers can catch RateLimitedException etc.
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new TransportException(String.valueOf(c), null, c);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted", null, e);
        }
    }

    /** Builds a {@link PortcullisClient}. Only {@link #baseUrl(String)} is required. */
    public static final class Builder {
        private URI baseUri;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(30);
        private Duration deadline = Duration.ofSeconds(60);
        private TlsSettings tls;
        private TokenProvider tokens;
        private RetryPolicy retry = RetryPolicy.defaults();
        private Executor executor;
        private Object meterRegistry; // Object: Micrometer is optional, never linked unless used
        private JsonCodec codec;
        private final List<RequestHook> hooks = new ArrayList<>();
        private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
        private HttpClient.Version version = HttpClient.Version.HTTP_2;
        private boolean requestIds = true;
        private boolean allowCleartext;

        private Builder() {
        }

        /**
         * Where the gateway is: {@code https://api.example.com} (a path prefix is kept). {@code http}
         * is accepted for loopback only, unless {@link #allowCleartext()}: credentials would travel
         * in clear.
         */
        public Builder baseUrl(String url) {
            return baseUrl(URI.create(Objects.requireNonNull(url, "url")));
        }

        public Builder baseUrl(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("baseUrl: " + uri + " (expected: https://host[:port][/prefix])");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("baseUrl: " + uri + " (expected: no query, fragment or user info)");
            }
            baseUri = uri;
            return this;
        }

        /** Permits {@code http://} to hosts other than loopback (a trusted private network). */
        public Builder allowCleartext() {
            allowCleartext = true;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = positive(v, "connectTimeout");
            return this;
        }

        /** Per attempt, until the response headers arrive (default 30 s). */
        public Builder timeout(Duration v) {
            timeout = positive(v, "timeout");
            return this;
        }

        /** Per call: all attempts, waits and the body together (default 60 s); a request may set its own. */
        public Builder deadline(Duration v) {
            deadline = positive(v, "deadline");
            return this;
        }

        public Builder tls(TlsSettings v) {
            tls = Objects.requireNonNull(v, "tls");
            return this;
        }

        public Builder tokenProvider(TokenProvider v) {
            tokens = Objects.requireNonNull(v, "tokenProvider");
            return this;
        }

        public Builder retryPolicy(RetryPolicy v) {
            retry = Objects.requireNonNull(v, "retryPolicy");
            return this;
        }

        /** Runs the HTTP client's work and response callbacks; default: the JDK client's own pool. */
        public Builder executor(Executor v) {
            executor = Objects.requireNonNull(v, "executor");
            return this;
        }

        /** Records {@code portcullis.client.calls} and {@code portcullis.client.retries} (needs micrometer-core). */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry v) {
            meterRegistry = Objects.requireNonNull(v, "meterRegistry");
            return this;
        }

        /** The JSON codec; default {@link JacksonCodec} when Jackson is on the class path. */
        public Builder codec(JsonCodec v) {
            codec = Objects.requireNonNull(v, "codec");
            return this;
        }

        /** Adds headers per attempt (tracing, tenant); hooks run in the order added. */
        public Builder hook(RequestHook v) {
            hooks.add(Objects.requireNonNull(v, "hook"));
            return this;
        }

        /** A header on every request (a request's own header of the same name is added after it). */
        public Builder defaultHeader(String name, String value) {
            defaultHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** HTTP/2 (default; HTTP/1.1 when the server does not offer h2 in ALPN) or HTTP/1.1 only. */
        public Builder httpVersion(HttpClient.Version v) {
            version = Objects.requireNonNull(v, "version");
            return this;
        }

        /**
         * Whether to send a fresh {@code X-Request-Id} when the request has none (default true; the
         * same id on every attempt). The gateway keeps it only with {@code trustIncomingRequestId}.
         */
        public Builder generateRequestIds(boolean v) {
            requestIds = v;
            return this;
        }

        public PortcullisClient build() {
            if (baseUri == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            Urls.requireSecure(baseUri, allowCleartext, "baseUrl");
            HttpClient.Builder hb = HttpClient.newBuilder()
                    .version(version)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER) // a redirect must not carry credentials elsewhere
                    .sslContext((tls == null ? TlsSettings.defaults() : tls).sslContext());
            if (executor != null) {
                hb.executor(executor);
            }
            Executor scheduling = executor != null ? executor : ForkJoinPool.commonPool();
            Executor safe = task -> {
                try {
                    scheduling.execute(task);
                } catch (RejectedExecutionException e) {
                    task.run(); // the application's executor is shutting down: a retry or deadline must still settle
                }
            };
            ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "portcullis-client-timer");
                t.setDaemon(true);
                return t;
            });
            scheduler.setRemoveOnCancelPolicy(true); // finished calls' deadline timers leave the queue at once
            CallMetrics metrics = meterRegistry == null ? CallMetrics.NONE : new MicrometerCallMetrics(meterRegistry);
            ClientCore core = new ClientCore(hb.build(), baseUri, safe, scheduler, codec == null ? JsonCodecs.detect() : codec,
                    tokens, retry, new RetryBudget(retry.budgetRatio(), retry.budgetReserve()), List.copyOf(hooks),
                    metrics, timeout, deadline, Map.copyOf(defaultHeaders), requestIds);
            return new PortcullisClient(core);
        }

        private static Duration positive(Duration v, String name) {
            Objects.requireNonNull(v, name);
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
            }
            return v;
        }
    }
}
