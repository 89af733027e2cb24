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

    /**
     * State that survives a configuration reload, such as a local rate limiter's counters: returns
     * the value the running configuration got for {@code key}, or a new one from {@code create}. Put
     * every setting that shapes the state into the key, so a changed setting starts afresh. State the
     * new configuration does not ask for is dropped when it is put in force. Asked for twice with one
     * key in one configuration, it gives two values (matched to the earlier ones by order). The
     * default keeps nothing across reloads.
     */
    default <T> T retained(String key, Class<T> type, java.util.function.Supplier<? extends T> create) {
        return create.get();
    }
}
