package io.portcullis.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A token provider for short-lived tokens from an endpoint: it serves the current token from memory,
 * fetches a new one {@code refreshBefore} its expiry, and lets concurrent callers share one fetch
 * (single flight), so a burst of calls after expiry costs one round trip to the token endpoint and
 * a rotating refresh token is never spent twice.
 */
public abstract class RefreshingTokenProvider implements TokenProvider {
    /** A token and when it stops being usable; {@code refreshToken} and its expiry may be null. */
    protected record Token(String accessToken, Instant expiresAt, String refreshToken, Instant refreshExpiresAt) {
        public Token {
            Objects.requireNonNull(accessToken, "accessToken");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

    private final Clock clock;
    private final Duration refreshBefore;
    private final AtomicReference<Token> current = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Token>> inFlight = new AtomicReference<>();

    protected RefreshingTokenProvider(Clock clock, Duration refreshBefore) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshBefore = Objects.requireNonNull(refreshBefore, "refreshBefore");
        if (refreshBefore.isNegative()) {
            throw new IllegalArgumentException("refreshBefore: " + refreshBefore + " (expected: >= 0)");
        }
    }

    /**
     * Gets a new token. {@code previous} is the last token (null at first, or after a 401): use its
     * refresh token when it has a live one. Called by one thread at a time per provider.
     */
    protected abstract CompletableFuture<Token> fetch(Token previous);

    @Override
    public final CompletableFuture<Credential> credential() {
        Token t = current.get();
        if (t != null && clock.instant().isBefore(t.expiresAt().minus(refreshBefore))) {
            return CompletableFuture.completedFuture(Credential.bearer(t.accessToken()));
        }
        return refresh(t).thenApply(n -> Credential.bearer(n.accessToken()));
    }

    @Override
    public final void invalidate(Credential rejected) {
        Token t = current.get();
        if (t != null && Credential.bearer(t.accessToken()).equals(rejected)) {
            // keep the refresh token (the session may be fine), but never hand out this access token again
            current.compareAndSet(t, new Token(t.accessToken(), Instant.EPOCH, t.refreshToken(), t.refreshExpiresAt()));
        }
    }

    @Override
    public final boolean renewable() {
        return true;
    }

    /** Whether {@code t} carries a refresh token that has not expired. */
    protected final boolean hasLiveRefreshToken(Token t) {
        return t != null && t.refreshToken() != null
                && (t.refreshExpiresAt() == null || clock.instant().isBefore(t.refreshExpiresAt()));
    }

    protected final Clock clock() {
        return clock;
    }

    private CompletableFuture<Token> refresh(Token seen) {
        while (true) {
            CompletableFuture<Token> running = inFlight.get();
            if (running != null) {
                return running.copy();
            }
            Token now = current.get();
            if (now != seen && now != null && clock.instant().isBefore(now.expiresAt().minus(refreshBefore))) {
                return CompletableFuture.completedFuture(now); // another caller refreshed meanwhile
            }
            CompletableFuture<Token> mine = new CompletableFuture<>();
            if (!inFlight.compareAndSet(null, mine)) {
                continue;
            }
            CompletableFuture<Token> fetched;
            try {
                fetched = fetch(now);
            } catch (RuntimeException e) {
                fetched = CompletableFuture.failedFuture(e);
            }
            fetched.whenComplete((token, error) -> {
                if (error == null) {
                    current.set(token);
                }
                inFlight.set(null); // before completing: a caller woken by it that still sees a stale token starts anew
                if (error == null) {
                    mine.complete(token);
                } else {
                    mine.completeExceptionally(error);
                }
            });
            return mine.copy();
        }
    }
}
