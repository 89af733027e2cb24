package io.portcullis.client.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters: timer {@code portcullis.client.calls} (tags {@code method}, {@code name},
 * {@code outcome}) over the whole call, retries included; counter {@code portcullis.client.retries}
 * ({@code method}, {@code name}, {@code reason}). Tags are bounded: no paths, only the request's
 * {@code name} (set by the caller, {@code none} otherwise). Loaded only when a registry is configured.
 */
public final class MicrometerCallMetrics implements CallMetrics {
    private final MeterRegistry registry;

    public MicrometerCallMetrics(Object registry) {
        this.registry = (MeterRegistry) registry;
    }

    @Override
    public void call(String method, String name, String outcome, int attempts, long nanos) {
        Timer.builder("portcullis.client.calls")
                .description("Calls through the Portcullis client, retries included")
                .tag("method", method).tag("name", name).tag("outcome", outcome)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retry(String method, String name, String reason) {
        Counter.builder("portcullis.client.retries")
                .tag("method", method).tag("name", name).tag("reason", reason)
                .register(registry).increment();
    }
}
