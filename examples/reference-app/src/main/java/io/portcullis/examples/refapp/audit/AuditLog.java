package io.portcullis.examples.refapp.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Every auth event (registration, verification, login success and failure, refresh, reuse,
 * logout, 2FA, password reset, key rotation, admin revocation), stored and written to the
 * {@code refapp.audit} log. Never holds a password, token or code.
 */
@Repository
public class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger("refapp.audit");

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One stored event. */
    public record Event(Instant at, String event, String outcome, String userId, String sessionId, String ip, String detail) {
    }

    public void record(String event, String outcome, String userId, String sessionId, String ip, String detail) {
        Instant now = clock.instant();
        String d = detail == null || detail.length() <= 200 ? detail : detail.substring(0, 200);
        jdbc.sql("insert into audit_events (at, event, outcome, user_id, session_id, ip_address, detail) values (?, ?, ?, ?, ?, ?, ?)")
                .params(Timestamp.from(now), event, outcome, userId, sessionId, ip, d).update();
        LOG.info("event={} outcome={} user={} session={} ip={} detail={}", event, outcome, userId, sessionId, ip, d);
    }

    public List<Event> forUser(String userId) {
        return jdbc.sql("select at, event, outcome, user_id, session_id, ip_address, detail from audit_events where user_id = ? order by id")
                .param(userId)
                .query((rs, n) -> new Event(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .list();
    }
}
