package io.portcullis.examples.refapp.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Accounts and their roles. */
@Repository
public class UserRepository {
    private final JdbcClient jdbc;

    public UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a new account; false when the email is taken. */
    public boolean insert(String id, String email, String passwordHash, boolean verified, Instant now, Set<Role> roles) {
        int n;
        try {
            n = jdbc.sql("insert into users (id, email, password_hash, verified, created_at) values (?, ?, ?, ?, ?)")
                    .params(id, email, passwordHash, verified, Timestamp.from(now)).update();
        } catch (org.springframework.dao.DuplicateKeyException e) {
            return false;
        }
        for (Role r : roles) {
            jdbc.sql("insert into user_roles (user_id, role) values (?, ?)").params(id, r.id()).update();
        }
        return n == 1;
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.sql("select * from users where email = ?").param(email).query(this::map).optional();
    }

    public Optional<User> findById(String id) {
        return jdbc.sql("select * from users where id = ?").param(id).query(this::map).optional();
    }

    public void markVerified(String id) {
        jdbc.sql("update users set verified = true where id = ?").param(id).update();
    }

    public void updatePasswordHash(String id, String hash) {
        jdbc.sql("update users set password_hash = ? where id = ?").params(hash, id).update();
    }

    /** Stores a new, not yet enabled TOTP secret (replacing an unconfirmed one; refused once enabled). */
    public boolean setPendingTotp(String id, String secret) {
        return jdbc.sql("update users set totp_secret = ?, totp_last_step = null where id = ? and totp_enabled = false")
                .params(secret, id).update() == 1;
    }

    public void enableTotp(String id, long step) {
        jdbc.sql("update users set totp_enabled = true, totp_last_step = ? where id = ?").params(step, id).update();
    }

    /** Records the time step of an accepted code; false if that step (or a later one) was already used. */
    public boolean useTotpStep(String id, long step) {
        return jdbc.sql("update users set totp_last_step = ? where id = ? and (totp_last_step is null or totp_last_step < ?)")
                .params(step, id, step).update() == 1;
    }

    public void setRoles(String id, Set<Role> roles) {
        jdbc.sql("delete from user_roles where user_id = ?").param(id).update();
        for (Role r : roles) {
            jdbc.sql("insert into user_roles (user_id, role) values (?, ?)").params(id, r.id()).update();
        }
    }

    private User map(ResultSet rs, int row) throws SQLException {
        String id = rs.getString("id");
        List<String> names = jdbc.sql("select role from user_roles where user_id = ?").param(id).query(String.class).list();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        names.forEach(n -> roles.add(Role.of(n)));
        long step = rs.getLong("totp_last_step");
        Long lastStep = rs.wasNull() ? null : step;
        return new User(id, rs.getString("email"), rs.getString("password_hash"), rs.getBoolean("verified"),
                rs.getString("totp_secret"), rs.getBoolean("totp_enabled"), lastStep,
                rs.getTimestamp("created_at").toInstant(), Set.copyOf(roles));
    }
}
