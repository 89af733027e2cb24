package io.portcullis.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.testing.NettyH2Client;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The {@code rate-limit} policy under concurrent load through real sockets: many client threads on
 * several HTTP/1.1 keep-alive connections and HTTP/2 (h2c) connections, spread over four event
 * loops, all hitting the same keys at once. The window is long (10 per hour: one token every 6
 * minutes) so refill cannot blur the count: each key must get exactly its burst, never one more,
 * and the upstream must see exactly those requests. Nothing here depends on timing.
 */
class RateLimitLoadTest {
    static final int BURST = 50;
    static final String[] KEYS = {"k0", "k1", "k2", "k3"};

    /** {@code test-record-loop}: notes the thread each request's chain runs on (an event loop). */
    public static final class LoopRecorder implements PolicyProvider {
        static final Set<String> THREADS = ConcurrentHashMap.newKeySet();

        @Override
        public String type() {
            return "test-record-loop";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            return ctx -> {
                THREADS.add(Thread.currentThread().getName());
                return Decision.proceed();
            };
        }
    }

    @Test
    void exactAdmissionsPerKey_underConcurrentLoadAcrossEventLoops() throws Exception {
        int h1Connections = 12;
        int h1RequestsPerConnection = 40;
        int h2Connections = 2;
        int h2ThreadsPerConnection = 4;
        int h2RequestsPerThread = 20;
        AtomicIntegerArray admitted = new AtomicIntegerArray(KEYS.length);
        AtomicIntegerArray limited = new AtomicIntegerArray(KEYS.length);
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();

        ExecutorService pool = Executors.newFixedThreadPool(h1Connections + h2Connections * h2ThreadsPerConnection);
        try (TestUpstream up = TestUpstream.start();
             Gateway gw = Gateway.builder().listener(ListenerConfig.http(0).named("h").bind("127.0.0.1"))
                     .route(RouteConfig.prefix("/limited").to(up.url())
                             .policy(PolicySpec.of("test-record-loop"))
                             .policy(PolicySpec.of("rate-limit", Map.of("requests", 10, "per", "1h", "burst", BURST,
                                     "key", "header:X-Key")))
                             .build())
                     .ioThreads(4)
                     .build()) {
            gw.start();
            int port = gw.address("h").getPort();
            LoopRecorder.THREADS.clear();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> jobs = new ArrayList<>();

            for (int c = 0; c < h1Connections; c++) {
                int conn = c;
                jobs.add(pool.submit(() -> {
                    try (RawHttp raw = new RawHttp("127.0.0.1", port)) {
                        go.await();
                        for (int i = 0; i < h1RequestsPerConnection; i++) {
                            int k = (conn + i) % KEYS.length;
                            RawHttp.Result r = raw.send("GET /limited/echo HTTP/1.1\r\nHost: a\r\nX-Key: " + KEYS[k]
                                    + "\r\n\r\n").readResponse();
                            count(r.status(), k, admitted, limited, unexpected);
                        }
                    }
                    return null;
                }));
            }
            List<NettyH2Client> h2 = new ArrayList<>();
            for (int c = 0; c < h2Connections; c++) {
                NettyH2Client client = new NettyH2Client("127.0.0.1", port, false);
                h2.add(client);
                for (int t = 0; t < h2ThreadsPerConnection; t++) {
                    int thread = t;
                    jobs.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < h2RequestsPerThread; i++) {
                            int k = (thread + i) % KEYS.length;
                            var headers = NettyH2Client.headers("GET", "a", "/limited/echo").add("x-key", KEYS[k]);
                            count(client.send(headers, null).status(), k, admitted, limited, unexpected);
                        }
                        return null;
                    }));
                }
            }
            go.countDown();
            for (Future<?> f : jobs) {
                f.get();
            }
            h2.forEach(NettyH2Client::close);

            int total = h1Connections * h1RequestsPerConnection + h2Connections * h2ThreadsPerConnection * h2RequestsPerThread;
            assertThat(unexpected).isEmpty();
            assertThat(LoopRecorder.THREADS).as("requests ran on several event loops").hasSizeGreaterThanOrEqualTo(2);
            for (int k = 0; k < KEYS.length; k++) {
                assertThat(admitted.get(k)).as("admitted for %s", KEYS[k]).isEqualTo(BURST);
                assertThat(admitted.get(k) + limited.get(k)).as("answered for %s", KEYS[k]).isEqualTo(total / KEYS.length);
                String key = KEYS[k];
                assertThat(up.requests()).as("upstream saw for %s", key)
                        .filteredOn(r -> key.equals(r.headers().get("x-key"))).hasSize(BURST);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void count(int status, int key, AtomicIntegerArray admitted, AtomicIntegerArray limited,
                              List<String> unexpected) {
        if (status == 200) {
            admitted.incrementAndGet(key);
        } else if (status == 429) {
            limited.incrementAndGet(key);
        } else {
            unexpected.add(KEYS[key] + ": " + status);
        }
    }
}
