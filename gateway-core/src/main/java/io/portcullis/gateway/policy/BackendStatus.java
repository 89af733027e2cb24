package io.portcullis.gateway.policy;

/**
 * A service policies depend on, such as the Redis of shared rate limits, as a health check sees it:
 * read-only. A resource given to {@link ProviderContext#closeOnShutdown} that implements this is
 * listed by {@link io.portcullis.gateway.Gateway#backends()}.
 */
public interface BackendStatus {

    /** The kind of service, e.g. {@code redis}. */
    String type();

    /** Where it is, never with credentials, e.g. {@code redis://127.0.0.1:6379}. */
    String name();

    /** Whether it can be used now (for Redis: the connection is open). */
    boolean up();
}
