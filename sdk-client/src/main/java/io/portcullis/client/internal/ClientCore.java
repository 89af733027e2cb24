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

/** What every call of one client shares; immutable except the retry budget. */
public record ClientCore(
        HttpClient http,
        URI baseUri,
        Executor executor,
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
