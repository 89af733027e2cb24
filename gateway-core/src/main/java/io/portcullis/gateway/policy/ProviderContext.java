package io.portcullis.gateway.policy;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;

/** What the gateway lends a {@link PolicyProvider}: never an event loop to block. */
public interface ProviderContext {

    /** The gateway's meter registry. */
    MeterRegistry meterRegistry();

    /** For blocking work (file reads, password hashing, JWKS fetches): never an event loop. */
    Executor blockingExecutor();

    /** The clock policies should use, so tests can control time. */
    Clock clock();

    /**
     * Runs {@code task} once after {@code delay} on the gateway's timer thread (JWKS refresh,
     * cache upkeep). Keep the task short: hand blocking work to {@link #blockingExecutor()}. Tasks
     * still pending when the gateway closes are cancelled.
     */
    ScheduledFuture<?> schedule(Runnable task, Duration delay);

    /**
     * Closes {@code resource} when the gateway closes, after in-flight requests drained (or when
     * the gateway fails to build): clients and connections a provider opened.
     */
    void closeOnShutdown(AutoCloseable resource);
}
