package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.GatewayFixture;
import io.portcullis.testing.RawHttp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/1.1 keep-alive connection's timers (idle between requests, request head), which follow
 * state changes lazily: one pending check per connection re-arms itself. Short timeouts, and
 * assertions with room on both sides, never a measured speed.
 */
class KeepAliveTimersTest {
    static final Duration HEAD = Duration.ofMillis(400);
    static final Duration IDLE = Duration.ofMillis(1200);
    static GatewayFixture fixture;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start(up -> Gateway.builder()
                .route(RouteConfig.prefix("/").to(up.url()).build())
                .timeouts(Timeouts.builder().requestHeaders(HEAD).idle(IDLE).build()));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static final String GET = "GET /echo HTTP/1.1\r\nHost: a\r\n\r\n";

    @Test
    void idleConnectionClosesAfterTheIdleTimeoutNotTheHeadTimeout() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", fixture.port())) {
            RawHttp.Result first = raw.send(GET).readResponse();
            long done = System.nanoTime(); // before any assertion: the first one in a JVM loads classes for a while
            assertThat(first.status()).isEqualTo(200);
            RawHttp.Result r = raw.readUntilCloseOrQuiet(5000);
            Duration open = Duration.ofNanos(System.nanoTime() - done);
            assertThat(r.closed()).isTrue();
            assertThat(r.text()).as("closed without a response").isEmpty();
            // the pending check ran at the head timeout and found the connection idle: it kept it open
            assertThat(open).isGreaterThanOrEqualTo(IDLE.minusMillis(300)) // the server's clock starts as it writes the response
                    .isLessThan(IDLE.plusMillis(2000));
        }
    }

    @Test
    void nextHeadStartedLateInTheIdlePeriodGetsTheFullHeadTimeout() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", fixture.port())) {
            assertThat(raw.send(GET).readResponse().status()).isEqualTo(200);
            Thread.sleep(700); // past one head timeout of idling: the idle check has run and re-armed
            long first = System.nanoTime();
            raw.send("GET /echo HTTP/1.1\r\nHost:");
            RawHttp.Result r = raw.readUntilCloseOrQuiet(5000);
            Duration waited = Duration.ofNanos(System.nanoTime() - first);
            assertThat(r.status()).as(r.text()).isEqualTo(408);
            assertThat(r.closed()).isTrue();
            // measured from the head's first byte, and well before the idle deadline would have been
            assertThat(waited).isGreaterThanOrEqualTo(HEAD.minusMillis(50)).isLessThan(HEAD.plusMillis(2000));
        }
    }

    @Test
    void busyAndActiveConnectionOutlivesManyTimerPeriods() throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", fixture.port())) {
            long end = System.nanoTime() + IDLE.multipliedBy(2).toNanos();
            int requests = 0;
            while (System.nanoTime() - end < 0) {
                assertThat(raw.send(GET).readResponse().status()).as("request %d", requests).isEqualTo(200);
                requests++;
                Thread.sleep(HEAD.toMillis() / 3); // each pause shorter than both timeouts
            }
            assertThat(requests).isGreaterThan(5);
            // a slow request (the upstream answers after 700 ms, longer than the head timeout) is not cut
            assertThat(raw.send("GET /slow?ms=700 HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(200);
            assertThat(raw.send(GET).readResponse().status()).isEqualTo(200);
        }
    }
}
