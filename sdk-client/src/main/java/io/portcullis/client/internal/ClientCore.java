package io.portcullis.client.internal;

import io.portcullis.client.JsonCodec;
import io.portcullis.client.RequestHook;
import io.portcullis.client.RetryPolicy;
import io.portcullis.client.TokenProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every call of one client shares; immutable except the retry budget. {@code scheduler} only
 * times deadlines and retry waits (one daemon thread); the work itself runs on {@code executor}.
 */
public record ClientCore(
        HttpClient http,
        URI baseUri,
        Executor executor,
        ScheduledExecutorService scheduler,
        JsonCodec codec,
        TokenProvider tokens,
        RetryPolicy retry,
        RetryBudget budget,
        List<RequestHook> hooks,
        CallMetrics metrics,
        Duration attemptTimeout,
        Duration deadline,
        Map<String, String> defaultHeaders,
        boolean generateRequestIds) {
}
