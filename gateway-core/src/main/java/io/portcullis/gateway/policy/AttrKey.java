package io.portcullis.gateway.policy;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for per-request attributes ({@link RequestContext#attr}). Create keys once, as
 * constants: each has a small index, so attributes live in an array, not a string-keyed map.
 */
public final class AttrKey<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final String name;
    private final Class<T> type;
    private final int index;

    private AttrKey(String name, Class<T> type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.index = NEXT.getAndIncrement();
    }

    public static <T> AttrKey<T> of(String name, Class<T> type) {
        return new AttrKey<>(name, type);
    }

    public String name() {
        return name;
    }

    /** The key's slot in a request's attribute array (for the gateway's request context). */
    public int index() {
        return index;
    }

    /** {@code value} as this key's type. */
    public T cast(Object value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return "AttrKey(" + name + ")";
    }
}
