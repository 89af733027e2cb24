package io.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Proves the leak check is live: without this, a misconfigured detector would pass every build. */
class LeakCheckExtensionTest {

    @Test
    void verifyNoLeaks_leakedByteBuf_failsWithItsRecord() {
        String marker = "deliberate-leak-" + UUID.randomUUID();
        leakOneBuffer(marker);

        AssertionError failure = null;
        // the GC may need a few rounds before the lost buffer is enqueued
        for (int attempt = 0; attempt < 20 && failure == null; attempt++) {
            try {
                LeakCheckExtension.verifyNoLeaks();
            } catch (AssertionError e) {
                failure = e;
            }
        }

        assertThat(failure).as("leak reported (is -Dio.netty.customResourceLeakDetector set?)").isNotNull();
        assertThat(failure.getMessage()).contains("LEAK: ").contains(marker);
        assertThat(LeakFailingDetector.leaks()).isEmpty();
    }

    @Test
    void verifyNoLeaks_releasedBuffers_passes() {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(32).writeInt(42);
        buf.release();
        assertThatCode(LeakCheckExtension::verifyNoLeaks).doesNotThrowAnyException();
    }

    private static void leakOneBuffer(String marker) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(1L);
        buf.touch(marker);
        // dropped without release(): this is the leak
    }
}
