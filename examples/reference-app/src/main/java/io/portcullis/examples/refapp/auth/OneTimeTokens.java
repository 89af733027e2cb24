package io.portcullis.examples.refapp.auth;

import io.portcullis.examples.refapp.web.Hashes;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Email-verification and password-reset tokens: 256 random bits handed to the user, only their
 * SHA-256 stored; single use (consumed by a conditional update) and expiring. Issuing a new token
 * of a purpose invalidates the user's earlier ones.
 */
@Repository
public class OneTimeTokens {
    /** What a token is good for. */
    public enum Purpose { VERIFY_EMAIL, RESET_PASSWORD }

    private final JdbcClient jdbc;
    private final Clock clock;

    public OneTimeTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A new token for {@code userId}; returns the clear value (to mail), stores only its hash. */
    @Transactional
    public String issue(String userId, Purpose purpose, Duration ttl) {
        Instant now = clock.instant();
        jdbc.sql("update one_time_tokens set used_at = ? where user_id = ? and purpose = ? and used_at is null")
                .params(Timestamp.from(now), userId, purpose.name()).update();
        String token = Hashes.newToken();
        jdbc.sql("insert into one_time_tokens (token_hash, user_id, purpose, created_at, expires_at) values (?, ?, ?, ?, ?)")
                .params(Hashes.sha256Hex(token), userId, purpose.name(), Timestamp.from(now), Timestamp.from(now.plus(ttl)))
                .update();
        return token;
    }

    /** The user a valid token belongs to, without consuming it. */
    public Optional<String> peek(String token, Purpose purpose) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        return jdbc.sql("select user_id from one_time_tokens where token_hash = ? and purpose = ? and used_at is null and expires_at > ?")
                .params(Hashes.sha256Hex(token), purpose.name(), Timestamp.from(clock.instant())).query(String.class).optional();
    }

    /** Consumes a token: the user id if it exists for this purpose, is unused and unexpired. */
    @Transactional
    public Optional<String> consume(String token, Purpose purpose) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        String hash = Hashes.sha256Hex(token);
        Timestamp now = Timestamp.from(clock.instant());
        Optional<String> user = jdbc.sql("select user_id from one_time_tokens where token_hash = ? and purpose = ? and used_at is null and expires_at > ?")
                .params(hash, purpose.name(), now).query(String.class).optional();
        if (user.isEmpty()) {
            return Optional.empty();
        }
        int n = jdbc.sql("update one_time_tokens set used_at = ? where token_hash = ? and used_at is null")
                .params(now, hash).update();
        return n == 1 ? user : Optional.empty();
    }
}
