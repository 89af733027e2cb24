package io.portcullis.client;

import java.util.function.BiConsumer;

/**
 * Called before each attempt to add headers, e.g. W3C {@code traceparent} from the current span,
 * or a tenant header. Must be fast and thread-safe.
 */
@FunctionalInterface
public interface RequestHook {
    /**
     * @param request   the call
     * @param attempt   1 for the first attempt
     * @param setHeader sets a header on this attempt (replacing one of the same name)
     */
    void beforeAttempt(ClientRequest request, int attempt, BiConsumer<String, String> setHeader);
}
