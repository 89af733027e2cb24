package io.portcullis.examples.refapp.api;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Chat messages per user. */
@Repository
public class ChatRepository {
    private final JdbcClient jdbc;

    public ChatRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored message. */
    public record Message(long id, String role, String content, Instant createdAt) {
    }

    public void add(String userId, String role, String content, Instant at) {
        jdbc.sql("insert into chat_messages (user_id, role, content, created_at) values (?, ?, ?, ?)")
                .params(userId, role, content, Timestamp.from(at)).update();
    }

    /** The user's latest {@code limit} messages, oldest first. */
    public List<Message> latest(String userId, int limit) {
        List<Message> newestFirst = jdbc.sql("select id, role, content, created_at from chat_messages where user_id = ? order by id desc limit ?")
                .params(userId, limit)
                .query((rs, n) -> new Message(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()))
                .list();
        List<Message> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }
}
