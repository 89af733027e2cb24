package io.portcullis.examples.refapp.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.refapp.MutableClock;
import io.portcullis.examples.refapp.RefAppProperties;
import io.portcullis.examples.refapp.api.ChatRepository;
import io.portcullis.examples.refapp.audit.AuditLog;
import io.portcullis.examples.refapp.auth.OneTimeTokens;
import io.portcullis.examples.refapp.keys.SigningKeys;
import io.portcullis.examples.refapp.sessions.Session;
import io.portcullis.examples.refapp.sessions.SessionRepository;
import io.portcullis.examples.refapp.users.Role;
import io.portcullis.examples.refapp.users.User;
import io.portcullis.examples.refapp.users.UserRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The repositories against the same Flyway schema on H2 and on PostgreSQL. */
class RepositoriesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void users_uniqueEmailRolesAndTotpSteps(String kind) {
        try (Database db = Database.open(kind)) {
            UserRepository users = new UserRepository(JdbcClient.create(db.dataSource));
            String id = UUID.randomUUID().toString();
            Instant now = clock.instant();
            assertThat(users.insert(id, "a@example.test", "hash", false, now, EnumSet.of(Role.USER, Role.ADMIN))).isTrue();
            assertThat(users.insert(UUID.randomUUID().toString(), "a@example.test", "hash", false, now, EnumSet.of(Role.USER))).isFalse();

            User u = users.findByEmail("a@example.test").orElseThrow();
            assertThat(u.id()).isEqualTo(id);
            assertThat(u.roles()).containsExactlyInAnyOrder(Role.USER, Role.ADMIN);
            assertThat(u.createdAt()).isEqualTo(now);
            assertThat(u.verified()).isFalse();
            users.markVerified(id);
            assertThat(users.findById(id).orElseThrow().verified()).isTrue();

            assertThat(users.setPendingTotp(id, "SECRET")).isTrue();
            users.enableTotp(id, 100);
            assertThat(users.setPendingTotp(id, "OTHER")).as("enabled 2FA is not replaced").isFalse();
            assertThat(users.useTotpStep(id, 100)).isFalse();
            assertThat(users.useTotpStep(id, 101)).isTrue();
            assertThat(users.useTotpStep(id, 101)).isFalse();
            users.setRoles(id, EnumSet.of(Role.SUPPORT));
            assertThat(users.findById(id).orElseThrow().roles()).containsExactly(Role.SUPPORT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void sessions_refreshTokensRotateOnceAndRevokeAll(String kind) {
        try (Database db = Database.open(kind)) {
            JdbcClient jdbc = JdbcClient.create(db.dataSource);
            String userId = user(jdbc, "s@example.test");
            SessionRepository sessions = new SessionRepository(jdbc);
            Instant now = clock.instant();
            for (String id : List.of("s1", "s2")) {
                sessions.insert(new Session(id, userId, "203.0.113.7", "ua", "fp", now, now, now.plus(Duration.ofDays(30)), null, null));
            }
            sessions.insertRefreshToken("h1", "s1", now);
            assertThat(sessions.findRefreshToken("h1").orElseThrow().usedAt()).isNull();
            assertThat(sessions.markRefreshTokenUsed("h1", now)).isTrue();
            assertThat(sessions.markRefreshTokenUsed("h1", now)).as("a second use is detected").isFalse();
            assertThat(sessions.findRefreshToken("h1").orElseThrow().usedAt()).isEqualTo(now);

            assertThat(sessions.revoke("s1", now, "logout")).isTrue();
            assertThat(sessions.revoke("s1", now, "logout")).isFalse();
            assertThat(sessions.revokeAll(userId, now, "admin")).isEqualTo(1);
            assertThat(sessions.findByUser(userId)).allMatch(s -> !s.activeAt(now));
            assertThat(sessions.find("s1").orElseThrow().revokeReason()).isEqualTo("logout");

            assertThat(sessions.knownDevice(userId, "fp")).isFalse();
            sessions.recordDevice(userId, "fp", "203.0.113.7", now);
            sessions.recordDevice(userId, "fp", "203.0.113.8", now.plusSeconds(5));
            assertThat(sessions.knownDevice(userId, "fp")).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void oneTimeTokens_areSingleUseExpiringAndReplaced(String kind) {
        try (Database db = Database.open(kind)) {
            JdbcClient jdbc = JdbcClient.create(db.dataSource);
            String userId = user(jdbc, "t@example.test");
            OneTimeTokens tokens = new OneTimeTokens(jdbc, clock);
            String first = tokens.issue(userId, OneTimeTokens.Purpose.VERIFY_EMAIL, Duration.ofHours(1));
            String second = tokens.issue(userId, OneTimeTokens.Purpose.VERIFY_EMAIL, Duration.ofHours(1));
            assertThat(tokens.consume(first, OneTimeTokens.Purpose.VERIFY_EMAIL)).isEmpty();
            assertThat(tokens.consume(second, OneTimeTokens.Purpose.RESET_PASSWORD)).as("wrong purpose").isEmpty();
            assertThat(tokens.peek(second, OneTimeTokens.Purpose.VERIFY_EMAIL)).hasValue(userId);
            assertThat(tokens.consume(second, OneTimeTokens.Purpose.VERIFY_EMAIL)).hasValue(userId);
            assertThat(tokens.consume(second, OneTimeTokens.Purpose.VERIFY_EMAIL)).isEmpty();

            String reset = tokens.issue(userId, OneTimeTokens.Purpose.RESET_PASSWORD, Duration.ofMinutes(30));
            assertThat(jdbc.sql("select count(*) from one_time_tokens where token_hash = ?").param(reset).query(Integer.class).single())
                    .as("only the hash is stored").isZero();
            clock.advance(Duration.ofMinutes(30));
            assertThat(tokens.consume(reset, OneTimeTokens.Purpose.RESET_PASSWORD)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void signingKeys_retireAndExpireAfterTheTokenLifetime(String kind) {
        try (Database db = Database.open(kind)) {
            JdbcClient jdbc = JdbcClient.create(db.dataSource);
            RefAppProperties props = new RefAppProperties(
                    new RefAppProperties.Tokens("iss", "aud", Duration.ofMinutes(10), Duration.ofDays(30), Duration.ofHours(24), Duration.ofMinutes(30)),
                    new RefAppProperties.Argon2(1024, 1, 1), new RefAppProperties.Login(5, Duration.ofMinutes(15)),
                    List.of("127.0.0.1"), new RefAppProperties.BootstrapAdmin(null, null),
                    new RefAppProperties.Gateway(false, "127.0.0.1", 8443, null, null, Duration.ofSeconds(30)));
            SigningKeys keys = new SigningKeys(jdbc, clock, props);
            String first = keys.active().getKeyID();
            String next = keys.next().getKeyID();
            assertThat(new SigningKeys(jdbc, clock, props).active().getKeyID()).as("a restart keeps the key").isEqualTo(first);
            assertThat(keys.publicJwks().getKeys()).extracting(k -> k.getKeyID()).as("next key published ahead")
                    .containsExactlyInAnyOrder(first, next);
            assertThat(keys.publicKey(next)).as("it has signed nothing yet").isEmpty();

            String second = keys.rotate();
            assertThat(second).isEqualTo(next);
            assertThat(keys.active().getKeyID()).isEqualTo(second);
            String third = keys.next().getKeyID();
            assertThat(keys.publicJwks().getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder(first, second, third);
            assertThat(keys.publicKey(first)).as("retired, its tokens still valid").isPresent();
            clock.advance(Duration.ofMinutes(11));
            assertThat(keys.publicKey(first)).isEmpty();
            assertThat(keys.publicJwks().getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder(second, third);
            assertThat(keys.rotate()).isEqualTo(third);
            assertThat(jdbc.sql("select count(*) from signing_keys").query(Integer.class).single()).as("expired key deleted").isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void auditAndChat_keepOrderPerUser(String kind) {
        try (Database db = Database.open(kind)) {
            JdbcClient jdbc = JdbcClient.create(db.dataSource);
            String a = user(jdbc, "a@example.test");
            String b = user(jdbc, "b@example.test");
            AuditLog audit = new AuditLog(jdbc, clock);
            audit.record("login", "failure", a, null, "203.0.113.7", "wrong password");
            audit.record("login", "success", a, "s1", "203.0.113.7", null);
            audit.record("login", "success", b, "s2", "203.0.113.9", "x".repeat(300));
            assertThat(audit.forUser(a)).extracting(AuditLog.Event::outcome).containsExactly("failure", "success");
            assertThat(audit.forUser(b).get(0).detail()).hasSize(200);

            ChatRepository chats = new ChatRepository(jdbc);
            Instant t = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            for (int i = 0; i < 5; i++) {
                chats.add(a, "user", "m" + i, t);
            }
            chats.add(b, "user", "other", t);
            assertThat(chats.latest(a, 3)).extracting(ChatRepository.Message::content).containsExactly("m2", "m3", "m4");
            assertThat(chats.latest(b, 10)).extracting(ChatRepository.Message::content).containsExactly("other");
        }
    }

    private String user(JdbcClient jdbc, String email) {
        String id = UUID.randomUUID().toString();
        new UserRepository(jdbc).insert(id, email, "hash", true, clock.instant(), EnumSet.of(Role.USER));
        return id;
    }
}
