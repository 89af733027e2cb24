package io.portcullis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** An error body is read up to the limit, then the stream is cancelled. */
class BoundedBodyTest {
    @Test
    void stopsAtTheLimit_andCancels() {
        AtomicBoolean cancelled = new AtomicBoolean();
        BoundedBody body = new BoundedBody(10);
        body.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
        body.onNext(List.of(ByteBuffer.wrap("012345".getBytes()), ByteBuffer.wrap("6789abcdef".getBytes())));
        assertThat(cancelled).isTrue();
        assertThat(new String(body.getBody().toCompletableFuture().join())).isEqualTo("0123456789");
    }

    @Test
    void smallBody_isWhole() {
        BoundedBody body = new BoundedBody(10);
        body.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        body.onNext(List.of(ByteBuffer.wrap("{}".getBytes())));
        body.onComplete();
        assertThat(new String(body.getBody().toCompletableFuture().join())).isEqualTo("{}");
    }
}
