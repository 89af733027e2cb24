package io.portcullis.examples.refapp.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.examples.refapp.RefAppProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import org.springframework.stereotype.Component;

/**
 * Per-account login throttling, complementing the gateway's per-IP limits: after
 * {@code maxFailures} failed logins within {@code window} for one email (registered or not, so
 * the answer reveals nothing), further attempts are refused until the oldest failure leaves the
 * window. In memory: one app instance (several instances would share a store such as the database).
 */
@Component
public class LoginThrottle {
    private final Cache<String, Deque<Instant>> failures;
    private final Clock clock;
    private final int maxFailures;
    private final Duration window;

    public LoginThrottle(RefAppProperties properties, Clock clock) {
        this.clock = clock;
        this.maxFailures = properties.login().maxFailures();
        this.window = properties.login().window();
        this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(window).build();
    }

    /** Seconds until the next attempt is allowed, or empty when it is allowed now. */
    public OptionalLong blockedFor(String email) {
        Deque<Instant> q = failures.getIfPresent(email);
        if (q == null) {
            return OptionalLong.empty();
        }
        synchronized (q) {
            Instant now = clock.instant();
            prune(q, now);
            if (q.size() < maxFailures) {
                return OptionalLong.empty();
            }
            long seconds = Duration.between(now, q.peekFirst().plus(window)).toSeconds() + 1;
            return OptionalLong.of(Math.max(1, seconds));
        }
    }

    public void failed(String email) {
        Deque<Instant> q = failures.get(email, k -> new ArrayDeque<>());
        synchronized (q) {
            Instant now = clock.instant();
            prune(q, now);
            q.addLast(now);
        }
    }

    public void succeeded(String email) {
        failures.invalidate(email);
    }

    private void prune(Deque<Instant> q, Instant now) {
        while (!q.isEmpty() && !q.peekFirst().plus(window).isAfter(now)) {
            q.removeFirst();
        }
    }
}
