package io.portcullis.gateway.internal.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Policy state that outlives a reload (see {@code ProviderContext.retained}). One instance is filled
 * while a configuration is compiled: a key the running configuration also used gets the same value,
 * any other a new one. Only a configuration that is put in force replaces the running one's state,
 * so a failed reload leaves it untouched and values the new configuration no longer asks for are dropped.
 *
 * <p>The same key asked for twice in one configuration (two routes with an identical limit) gets two
 * values, matched to the running configuration's by order: the first with the first, and so on.
 */
public final class RetainedState {
    private final Map<String, Object> running;
    private final Map<String, Object> next = new HashMap<>();
    private final Map<String, Integer> occurrences = new HashMap<>();

    private RetainedState(Map<String, Object> running) {
        this.running = running;
    }

    /** State for the first configuration. */
    public static RetainedState first() {
        return new RetainedState(Map.of());
    }

    /** State for a configuration that replaces the one {@code running} was made for. */
    public synchronized RetainedState successor() {
        return new RetainedState(Map.copyOf(next));
    }

    public synchronized <T> T get(String key, Class<T> type, Supplier<? extends T> create) {
        Objects.requireNonNull(key, "key");
        String slot = key + "#" + occurrences.merge(key, 1, Integer::sum);
        Object value = running.get(slot);
        if (!type.isInstance(value)) {
            value = Objects.requireNonNull(create.get(), "created value");
        }
        next.put(slot, value);
        return type.cast(value);
    }
}
