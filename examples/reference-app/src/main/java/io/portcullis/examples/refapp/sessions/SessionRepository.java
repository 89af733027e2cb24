package io.portcullis.examples.refapp.sessions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sessions, their refresh tokens (by SHA-256 only) and the devices seen per account. */
@Repository
public class SessionRepository {
    private final JdbcClient jdbc;

    public SessionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Session s) {
        jdbc.sql("""
                insert into sessions (id, user_id, ip_address, user_agent, fingerprint, created_at, last_used_at, expires_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(s.id(), s.userId(), s.ipAddress(), s.userAgent(), s.fingerprint(), ts(s.createdAt()),
                        ts(s.lastUsedAt()), ts(s.expiresAt()))
                .update();
    }

    public Optional<Session> find(String id) {
        return jdbc.sql("select * from sessions where id = ?").param(id).query(SessionRepository::map).optional();
    }

    public List<Session> findByUser(String userId) {
        return jdbc.sql("select * from sessions where user_id = ? order by created_at").param(userId)
                .query(SessionRepository::map).list();
    }

    public void touch(String id, Instant now, String ip) {
        jdbc.sql("update sessions set last_used_at = ?, ip_address = ? where id = ?").params(ts(now), ip, id).update();
    }

    /** Revokes one session if still open; true if this call revoked it. */
    public boolean revoke(String id, Instant now, String reason) {
        return jdbc.sql("update sessions set revoked_at = ?, revoke_reason = ? where id = ? and revoked_at is null")
                .params(ts(now), reason, id).update() == 1;
    }

    /** Revokes every open session of an account; returns how many. */
    public int revokeAll(String userId, Instant now, String reason) {
        return jdbc.sql("update sessions set revoked_at = ?, revoke_reason = ? where user_id = ? and revoked_at is null")
                .params(ts(now), reason, userId).update();
    }

    public void insertRefreshToken(String tokenHash, String sessionId, Instant now) {
        jdbc.sql("insert into refresh_tokens (token_hash, session_id, created_at) values (?, ?, ?)")
                .params(tokenHash, sessionId, ts(now)).update();
    }

    /** A refresh token as stored: its session and whether it was already rotated. */
    public record RefreshToken(String sessionId, Instant usedAt) {
    }

    public Optional<RefreshToken> findRefreshToken(String tokenHash) {
        return jdbc.sql("select session_id, used_at from refresh_tokens where token_hash = ?").param(tokenHash)
                .query((rs, n) -> new RefreshToken(rs.getString(1), instant(rs.getTimestamp(2)))).optional();
    }

    /** Marks a token rotated; false when it already was (a concurrent or replayed use). */
    public boolean markRefreshTokenUsed(String tokenHash, Instant now) {
        return jdbc.sql("update refresh_tokens set used_at = ? where token_hash = ? and used_at is null")
                .params(ts(now), tokenHash).update() == 1;
    }

    /** Records a device of an account (first and last seen). */
    public void recordDevice(String userId, String fingerprint, String ip, Instant now) {
        int n = jdbc.sql("update device_fingerprints set last_seen_at = ?, last_ip = ? where user_id = ? and fingerprint = ?")
                .params(ts(now), ip, userId, fingerprint).update();
        if (n == 0) {
            try {
                jdbc.sql("insert into device_fingerprints (user_id, fingerprint, first_seen_at, last_seen_at, last_ip) values (?, ?, ?, ?, ?)")
                        .params(userId, fingerprint, ts(now), ts(now), ip).update();
            } catch (org.springframework.dao.DuplicateKeyException raced) {
                // another login of the same device recorded it first
            }
        }
    }

    /** Whether the account has logged in from this device before. */
    public boolean knownDevice(String userId, String fingerprint) {
        return jdbc.sql("select count(*) from device_fingerprints where user_id = ? and fingerprint = ?")
                .params(userId, fingerprint).query(Integer.class).single() > 0;
    }

    private static Session map(ResultSet rs, int row) throws SQLException {
        return new Session(rs.getString("id"), rs.getString("user_id"), rs.getString("ip_address"),
                rs.getString("user_agent"), rs.getString("fingerprint"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("revoked_at")), rs.getString("revoke_reason"));
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
