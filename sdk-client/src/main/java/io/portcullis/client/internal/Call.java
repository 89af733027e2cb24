package io.portcullis.client.internal;

import io.portcullis.client.ClientRequest;
import io.portcullis.client.Credential;
import io.portcullis.client.DeadlineExceededException;
import io.portcullis.client.PortcullisException;
import io.portcullis.client.RateLimitInfo;
import io.portcullis.client.TransportException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One logical call: attempts, waits between them and the deadline, all asynchronous (no thread
 * sleeps; waits use a delayed executor). Error statuses arrive as {@link ErrorBody} so the body of a
 * 4xx/5xx is always read whole for its problem+json, whatever the success body handler is.
 *
 * @param <T> the success body type
 */
public final class Call<T> {
    /** The whole body of an error response. */
    record ErrorBody(byte[] bytes) {
    }

    /** A successful response and how it came about. */
    public record Outcome<T>(HttpResponse<T> response, String requestId, int attempts) {
    }

    private final ClientCore core;
    private final ClientRequest request;
    private final HttpResponse.BodyHandler<T> handler;
    private final String requestId;
    private final String metricName;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private final CompletableFuture<Outcome<T>> result = new CompletableFuture<>();
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile CompletableFuture<?> inFlight;
    private int attempt;
    private boolean authRetried;

    public Call(ClientCore core, ClientRequest request, HttpResponse.BodyHandler<T> handler) {
        this.core = core;
        this.request = request;
        this.handler = handler;
        List<String> given = headerValues(request.headers(), "x-request-id");
        this.requestId = !given.isEmpty() ? given.get(0)
                : core.generateRequestIds() ? UUID.randomUUID().toString() : null;
        this.metricName = request.name() == null ? "none" : request.name();
        Duration d = request.deadline() != null ? request.deadline() : core.deadline();
        this.deadlineNanos = startNanos + d.toNanos();
    }

    public CompletableFuture<Outcome<T>> start() {
        core.budget().deposit();
        // the deadline covers everything: a response body still streaming in, a token fetch, a wait
        ScheduledFuture<?> timer = schedule(deadlineNanos - System.nanoTime(), () -> {
            if (!settled.get()) {
                fail(new DeadlineExceededException(request.method() + " " + request.path()
                        + ": deadline of " + millis(deadlineNanos - startNanos) + " ms exceeded after "
                        + attempt + " attempt(s)", requestId, null), "deadline");
                CompletableFuture<?> f = inFlight;
                if (f != null) {
                    f.cancel(true);
                }
            }
        });
        if (timer != null) {
            result.whenComplete((r, e) -> timer.cancel(false)); // removed from the queue at once
        }
        result.whenComplete((r, e) -> {
            CompletableFuture<?> f = inFlight;
            if (result.isCancelled() && f != null) {
                f.cancel(true); // the caller gave up: abort the exchange
            }
        });
        attempt();
        return result;
    }

    private void attempt() {
        if (settled.get() || result.isDone()) {
            return; // settled, or cancelled by the caller
        }
        attempt++;
        CompletableFuture<Credential> credential;
        try {
            credential = core.tokens() == null ? CompletableFuture.completedFuture(null) : core.tokens().credential();
        } catch (RuntimeException e) {
            credential = CompletableFuture.failedFuture(e);
        }
        inFlight = credential;
        credential.thenCompose(cred -> {
            HttpRequest req = build(cred);
            CompletableFuture<HttpResponse<Object>> sent = core.http().sendAsync(req, this::handle);
            inFlight = sent;
            return sent.thenApply(r -> new Sent(r, cred));
        }).whenComplete((sent, error) -> {
            try {
                if (error != null) {
                    onError(unwrap(error));
                } else {
                    onResponse(sent.response, sent.credential);
                }
            } catch (RuntimeException | Error e) {
                // a hook, codec or token provider threw: the call fails with it instead of hanging to the deadline
                fail(e instanceof PortcullisException p ? p : new TransportException(request.method() + " "
                        + request.path() + ": " + e, requestId, e), "error");
            }
        });
    }

    private record Sent(HttpResponse<Object> response, Credential credential) {
    }

    @SuppressWarnings("unchecked")
    private HttpResponse.BodySubscriber<Object> handle(HttpResponse.ResponseInfo info) {
        if (info.statusCode() >= 400) {
            return HttpResponse.BodySubscribers.mapping(new BoundedBody(BoundedBody.LIMIT), ErrorBody::new);
        }
        return (HttpResponse.BodySubscriber<Object>) handler.apply(info);
    }

    private HttpRequest build(Credential cred) {
        long remaining = deadlineNanos - System.nanoTime();
        Duration timeout = core.attemptTimeout();
        if (request.timeout() != null) {
            timeout = request.timeout();
        }
        if (remaining < timeout.toNanos()) {
            timeout = Duration.ofNanos(Math.max(remaining, 1_000_000));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(core.baseUri(), request.path())).timeout(timeout);
        core.defaultHeaders().forEach(b::setHeader);
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        if (requestId != null) {
            b.setHeader("X-Request-Id", requestId);
        }
        int n = attempt;
        for (var hook : core.hooks()) {
            hook.beforeAttempt(request, n, b::setHeader);
        }
        if (cred != null) {
            b.setHeader(cred.header(), cred.value());
        }
        b.method(request.method(), publisher());
        return b.build();
    }

    private HttpRequest.BodyPublisher publisher() {
        byte[] bytes = request.bodyBytes();
        if (bytes != null) {
            return HttpRequest.BodyPublishers.ofByteArray(bytes);
        }
        Object json = request.jsonBody();
        if (json != null) {
            return HttpRequest.BodyPublishers.ofByteArray(core.codec().write(json));
        }
        Supplier<InputStream> stream = request.bodyStream();
        if (stream != null) {
            return HttpRequest.BodyPublishers.ofInputStream(stream);
        }
        return HttpRequest.BodyPublishers.noBody();
    }

    @SuppressWarnings("unchecked")
    private void onResponse(HttpResponse<Object> response, Credential cred) {
        int status = response.statusCode();
        if (!(response.body() instanceof ErrorBody error)) {
            succeed(new Outcome<>((HttpResponse<T>) response, responseId(response.headers()), attempt), String.valueOf(status));
            return;
        }
        PortcullisException failure = Errors.fromResponse(request.method(), request.path(), status,
                response.headers(), error.bytes(), requestId);
        if (status == 401 && core.tokens() != null && core.tokens().renewable() && cred != null && !authRetried) {
            // the token may have been revoked or expired early: one more try with a fresh one, for any
            // method, as the request was refused before it reached the service's logic
            authRetried = true;
            core.tokens().invalidate(cred);
            core.metrics().retry(request.method(), metricName, "401");
            attempt--; // not counted against maxAttempts
            attempt();
            return;
        }
        if ((status == 429 || status == 503) && mayRetry()) {
            Duration hint = RateLimitHeaders.retryAfter(response.headers(), Instant.now());
            if (hint == null && status == 429) {
                List<RateLimitInfo> limits = RateLimitHeaders.limits(response.headers());
                hint = RateLimitHeaders.exhaustedReset(limits);
            }
            if (hint != null && hint.compareTo(core.retry().maxRetryAfter()) > 0) {
                fail(failure, String.valueOf(status)); // the server wants a longer pause than we may take
                return;
            }
            // a little jitter on top of the server's hint, so clients told the same second do not return together
            retryAfter(hint != null ? hint.plus(jitter()) : backoff(), failure, String.valueOf(status));
            return;
        }
        fail(failure, String.valueOf(status));
    }

    private void onError(Throwable error) {
        if (settled.get()) {
            return; // the deadline fired and cancelled this attempt
        }
        boolean timedOut = error instanceof HttpTimeoutException && !(error instanceof HttpConnectTimeoutException);
        if (timedOut && System.nanoTime() - deadlineNanos >= 0) {
            fail(new DeadlineExceededException(request.method() + " " + request.path() + ": deadline exceeded",
                    requestId, error), "deadline");
            return;
        }
        if (error instanceof PortcullisException p) {
            fail(p, "token"); // the token provider failed (login refused, endpoint down)
            return;
        }
        TransportException failure = new TransportException(request.method() + " " + request.path() + ": "
                + describe(error) + (requestId == null ? "" : " (request id " + requestId + ")"), requestId, error);
        if (isConnectFailure(error) && mayRetry()) {
            retryAfter(backoff(), failure, "connect");
            return;
        }
        fail(failure, timedOut ? "timeout" : "transport");
    }

    private boolean mayRetry() {
        return request.retryable() && attempt < core.retry().maxAttempts();
    }

    private void retryAfter(Duration delay, PortcullisException failure, String reason) {
        long wakeAt = System.nanoTime() + delay.toNanos();
        if (wakeAt - deadlineNanos >= 0) {
            fail(failure, reason); // waiting would end after the deadline: the caller gets the real reason now
            return;
        }
        if (!core.budget().tryWithdraw()) {
            fail(failure, reason);
            return;
        }
        core.metrics().retry(request.method(), metricName, reason);
        schedule(delay.toNanos(), this::attempt);
    }

    /** Runs {@code task} on the executor after {@code nanos}; a closed client fails the call instead. */
    private ScheduledFuture<?> schedule(long nanos, Runnable task) {
        try {
            return core.scheduler().schedule(() -> core.executor().execute(task), Math.max(nanos, 0), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            fail(new TransportException(request.method() + " " + request.path() + ": the client is closed", requestId, e),
                    "closed");
            return null;
        }
    }

    /** Full jitter: uniform in [0, min(max, initial * 2^(attempt-1))]. */
    private Duration backoff() {
        long base = core.retry().initialBackoff().toNanos();
        long cap = core.retry().maxBackoff().toNanos();
        int shift = Math.min(attempt - 1, 30);
        long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private Duration jitter() {
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(core.retry().initialBackoff().toNanos() + 1));
    }

    private void succeed(Outcome<T> outcome, String metricOutcome) {
        if (settled.compareAndSet(false, true)) {
            // metrics first: a caller woken by the result may read them at once
            core.metrics().call(request.method(), metricName, metricOutcome, attempt, System.nanoTime() - startNanos);
            result.complete(outcome);
        }
    }

    private void fail(PortcullisException e, String metricOutcome) {
        if (settled.compareAndSet(false, true)) {
            core.metrics().call(request.method(), metricName, metricOutcome, attempt, System.nanoTime() - startNanos);
            result.completeExceptionally(e);
        }
    }

    private String responseId(HttpHeaders headers) {
        return headers.firstValue("x-request-id").orElse(requestId);
    }

    static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m += ": " + root.getMessage();
        }
        return m;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static URI resolve(URI base, String path) {
        String b = base.toString();
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + path);
    }

    private static List<String> headerValues(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }
}
