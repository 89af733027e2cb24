package io.portcullis.gateway.internal.netty;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.portcullis.gateway.internal.net.ClientPrefix;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Open connections per client of one listener, shared by every event loop. Each count changes
 * inside {@link ConcurrentHashMap#compute}, atomic per key, so the limit is exact under
 * concurrent accepts, and an entry is removed when its count returns to zero: the map never
 * holds more entries than the listener has open connections.
 */
final class ClientConnectionCounts {
    private final ConcurrentHashMap<ClientPrefix, Count> counts = new ConcurrentHashMap<>();
    /** Changed by a reload; connections already above a lowered limit stay, new ones wait for room. */
    private volatile int max;

    ClientConnectionCounts(int max) {
        this.max = max;
    }

    void limit(int newMax) {
        this.max = newMax;
    }

    /** Takes one slot for {@code client}; null when it already has {@code max} connections. */
    Lease tryAcquire(ClientPrefix client) {
        Lease lease = new Lease(client);
        counts.compute(client, lease);
        return lease.admitted ? lease : null;
    }

    /** Clients with at least one open connection. */
    int clients() {
        return counts.size();
    }

    /** A count guarded by the map's per-key lock: read and written only inside compute calls. */
    private static final class Count {
        int value;
    }

    private static final BiFunction<ClientPrefix, Count, Count> DECREMENT = (k, c) -> --c.value == 0 ? null : c;

    /** One admitted connection: gives its slot back when the channel closes, exactly once (a close future completes once). */
    final class Lease implements BiFunction<ClientPrefix, Count, Count>, ChannelFutureListener {
        private final ClientPrefix client;
        private boolean admitted;

        private Lease(ClientPrefix client) {
            this.client = client;
        }

        @Override
        public Count apply(ClientPrefix key, Count c) {
            if (c == null) {
                c = new Count();
            } else if (c.value >= max) {
                return c;
            }
            c.value++;
            admitted = true;
            return c;
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            counts.computeIfPresent(client, DECREMENT);
        }
    }
}
