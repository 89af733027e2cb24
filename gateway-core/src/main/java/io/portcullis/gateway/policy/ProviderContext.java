package io.portcullis.gateway.policy;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executor;

/** What the gateway lends a {@link PolicyProvider}: never an event loop to block. */
public interface ProviderContext {

    /** The gateway's meter registry. */
    MeterRegistry meterRegistry();

    /** For blocking work (file reads, password hashing, JWKS fetches): never an event loop. */
    Executor blockingExecutor();

    /** The clock policies should use, so tests can control time. */
    Clock clock();
}
