package io.portcullis.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a leaked resource while (or before) it ran. Registered for
 * every test class through {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true}.
 *
 * <p>Netty only notices a leak when the garbage collector has enqueued the lost object and the
 * detector for that resource type tracks a new one; {@link #verifyNoLeaks()} therefore runs the GC
 * and allocates a few buffers before looking. Leaks of other resource types are seen when the next
 * such resource is created, so a leak may be blamed on a later test class: read the records.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    private static final ByteBufAllocator[] ALLOCATORS = {
        ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT,
    };

    @Override
    public void afterAll(ExtensionContext context) {
        verifyNoLeaks();
    }

    /** Lets Netty report what it can and throws {@link AssertionError} listing every leak (the list is cleared). */
    public static void verifyNoLeaks() {
        provokeReports();
        List<String> leaks = LeakFailingDetector.leaks();
        if (leaks.isEmpty()) {
            return;
        }
        LeakFailingDetector.clear();
        StringBuilder message = new StringBuilder()
                .append(leaks.size()).append(" Netty resource leak(s) detected:");
        for (String leak : leaks) {
            message.append(System.lineSeparator()).append(System.lineSeparator()).append(leak);
        }
        throw new AssertionError(message.toString());
    }

    private static void provokeReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(15);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // each new tracked buffer makes the ByteBuf detector drain its reference queue and report
            for (ByteBufAllocator allocator : ALLOCATORS) {
                ByteBuf heap = allocator.heapBuffer(16);
                heap.release();
                ByteBuf direct = allocator.directBuffer(16);
                direct.release();
            }
        }
    }
}
