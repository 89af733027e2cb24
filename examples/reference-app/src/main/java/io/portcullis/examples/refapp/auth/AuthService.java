package io.portcullis.examples.refapp.auth;

import io.portcullis.examples.refapp.RefAppProperties;
import io.portcullis.examples.refapp.audit.AuditLog;
import io.portcullis.examples.refapp.keys.AccessTokens;
import io.portcullis.examples.refapp.mail.MailSender;
import io.portcullis.examples.refapp.sessions.Session;
import io.portcullis.examples.refapp.sessions.SessionRepository;
import io.portcullis.examples.refapp.users.Role;
import io.portcullis.examples.refapp.users.User;
import io.portcullis.examples.refapp.users.UserRepository;
import io.portcullis.examples.refapp.web.ApiProblem;
import io.portcullis.examples.refapp.web.ApiProblem.Kind;
import io.portcullis.examples.refapp.web.Caller;
import io.portcullis.examples.refapp.web.ClientInfo;
import io.portcullis.examples.refapp.web.Hashes;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The auth flows of seed 002. Every failure a client sees is one of a few fixed problems, the
 * same whether or not the account exists; the reason goes to the audit log only.
 */
@Service
public class AuthService {
    private final UserRepository users;
    private final SessionRepository sessions;
    private final OneTimeTokens oneTimeTokens;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final LoginThrottle throttle;
    private final MailSender mail;
    private final AuditLog audit;
    private final Clock clock;
    private final RefAppProperties.Tokens ttl;

    /** What a login or refresh returns. */
    public record Tokens(String accessToken, String tokenType, long expiresIn, String refreshToken, Instant refreshExpiresAt) {
    }

    public AuthService(UserRepository users, SessionRepository sessions, OneTimeTokens oneTimeTokens, PasswordHasher hasher,
                       AccessTokens accessTokens, LoginThrottle throttle, MailSender mail, AuditLog audit, Clock clock,
                       RefAppProperties properties) {
        this.users = users;
        this.sessions = sessions;
        this.oneTimeTokens = oneTimeTokens;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.throttle = throttle;
        this.mail = mail;
        this.audit = audit;
        this.clock = clock;
        this.ttl = properties.tokens();
    }

    /** Registers an unverified account and mails a verification token; an existing email gets the same answer. */
    public void register(String rawEmail, String password, ClientInfo client) {
        String email = email(rawEmail);
        PasswordPolicy.check(password, email).ifPresent(why -> {
            throw ApiProblem.of(Kind.WEAK_PASSWORD, why);
        });
        String hash = hasher.hash(password);   // also for a taken email: same cost either way
        Optional<User> existing = users.findByEmail(email);
        if (existing.isPresent()) {
            audit.record("register", "duplicate", existing.get().id(), null, client.ip(), null);
            mail.send(new MailSender.Message(email, "Someone tried to register with your address",
                    "An account with this address already exists. If this was you, log in or reset your password.",
                    "duplicate-registration", null));
            return;
        }
        String id = UUID.randomUUID().toString();
        if (!users.insert(id, email, hash, false, clock.instant(), EnumSet.of(Role.USER))) {
            audit.record("register", "duplicate", null, null, client.ip(), "concurrent registration");
            return;
        }
        audit.record("register", "success", id, null, client.ip(), null);
        sendVerification(id, email);
    }

    /** Creates a verified account with the given roles (bootstrap admin); false if the email is taken. */
    public boolean createVerified(String rawEmail, String password, EnumSet<Role> roles) {
        String email = email(rawEmail);
        if (users.findByEmail(email).isPresent()) {
            return false;
        }
        String id = UUID.randomUUID().toString();
        boolean created = users.insert(id, email, hasher.hash(password), true, clock.instant(), roles);
        if (created) {
            audit.record("account.bootstrap", "success", id, null, null, "roles=" + roles);
        }
        return created;
    }

    public void requestVerification(String rawEmail, ClientInfo client) {
        String email = email(rawEmail);
        users.findByEmail(email).filter(u -> !u.verified()).ifPresent(u -> {
            audit.record("email.verify.request", "success", u.id(), null, client.ip(), null);
            sendVerification(u.id(), u.email());
        });
    }

    public void confirmVerification(String token, ClientInfo client) {
        String userId = oneTimeTokens.consume(token, OneTimeTokens.Purpose.VERIFY_EMAIL)
                .orElseThrow(() -> ApiProblem.of(Kind.INVALID_TOKEN));
        users.markVerified(userId);
        audit.record("email.verify.confirm", "success", userId, null, client.ip(), null);
    }

    public void requestPasswordReset(String rawEmail, ClientInfo client) {
        String email = email(rawEmail);
        users.findByEmail(email).ifPresent(u -> {
            String token = oneTimeTokens.issue(u.id(), OneTimeTokens.Purpose.RESET_PASSWORD, ttl.resetTtl());
            audit.record("password.reset.request", "success", u.id(), null, client.ip(), null);
            mail.send(new MailSender.Message(u.email(), "Reset your password",
                    "Use this token within " + ttl.resetTtl().toMinutes() + " minutes to choose a new password:\n" + token
                            + "\nIf you did not ask for this, ignore this message.", "reset-password", token));
        });
    }

    /** Sets a new password with a reset token; every session of the account is revoked. */
    public void confirmPasswordReset(String token, String newPassword, ClientInfo client) {
        String userId = oneTimeTokens.peek(token, OneTimeTokens.Purpose.RESET_PASSWORD)
                .orElseThrow(() -> ApiProblem.of(Kind.INVALID_TOKEN));
        User user = users.findById(userId).orElseThrow(() -> ApiProblem.of(Kind.INVALID_TOKEN));
        PasswordPolicy.check(newPassword, user.email()).ifPresent(why -> {
            throw ApiProblem.of(Kind.WEAK_PASSWORD, why);
        });
        String hash = hasher.hash(newPassword);
        if (oneTimeTokens.consume(token, OneTimeTokens.Purpose.RESET_PASSWORD).isEmpty()) {
            throw ApiProblem.of(Kind.INVALID_TOKEN);
        }
        users.updatePasswordHash(userId, hash);
        users.markVerified(userId);   // the mailed token proves the address
        int revoked = sessions.revokeAll(userId, clock.instant(), "password-reset");
        audit.record("password.reset.confirm", "success", userId, null, client.ip(), "sessions revoked: " + revoked);
    }

    /** Email + password (+ TOTP code once 2FA is on) to a new session and its tokens. */
    public Tokens login(String rawEmail, String password, String totpCode, ClientInfo client) {
        String email = email(rawEmail);
        OptionalLong blocked = throttle.blockedFor(email);
        if (blocked.isPresent()) {
            audit.record("login", "throttled", null, null, client.ip(), null);
            throw ApiProblem.withHeaders(Kind.TOO_MANY_ATTEMPTS, Map.of("Retry-After", Long.toString(blocked.getAsLong())));
        }
        Optional<User> found = users.findByEmail(email);
        boolean passwordOk = hasher.verify(found.map(User::passwordHash).orElse(null), password == null ? "" : password);
        if (!passwordOk) {
            throttle.failed(email);
            audit.record("login", "failure", found.map(User::id).orElse(null), null, client.ip(),
                    found.isPresent() ? "wrong password" : "unknown email");
            throw ApiProblem.of(Kind.INVALID_CREDENTIALS);
        }
        User user = found.get();
        if (!user.verified()) {
            audit.record("login", "unverified", user.id(), null, client.ip(), null);
            throw ApiProblem.of(Kind.EMAIL_NOT_VERIFIED);
        }
        if (user.totpEnabled()) {
            if (totpCode == null || totpCode.isBlank()) {
                audit.record("login", "mfa-required", user.id(), null, client.ip(), null);
                throw ApiProblem.of(Kind.MFA_REQUIRED);
            }
            OptionalLong step = Totp.match(user.totpSecret(), totpCode.trim(), clock.instant());
            if (step.isEmpty() || !users.useTotpStep(user.id(), step.getAsLong())) {
                throttle.failed(email);
                audit.record("login", "failure", user.id(), null, client.ip(), step.isEmpty() ? "wrong totp" : "totp replay");
                throw ApiProblem.of(Kind.INVALID_CREDENTIALS);
            }
        }
        throttle.succeeded(email);
        if (hasher.needsRehash(user.passwordHash())) {
            users.updatePasswordHash(user.id(), hasher.hash(password));
        }
        Instant now = clock.instant();
        boolean knownDevice = sessions.knownDevice(user.id(), client.fingerprint());
        sessions.recordDevice(user.id(), client.fingerprint(), client.ip(), now);
        Session session = new Session(UUID.randomUUID().toString(), user.id(), client.ip(), client.userAgent(),
                client.fingerprint(), now, now, now.plus(ttl.refreshTtl()), null, null);
        sessions.insert(session);
        String refresh = Hashes.newToken();
        sessions.insertRefreshToken(Hashes.sha256Hex(refresh), session.id(), now);
        audit.record("login", "success", user.id(), session.id(), client.ip(), knownDevice ? null : "new device");
        return tokens(user, session, refresh);
    }

    /**
     * Rotates a refresh token. A token that was already rotated is a replay (stolen, or a client
     * bug): the whole session (every token of the family) is revoked.
     */
    public Tokens refresh(String refreshToken, ClientInfo client) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 128) {
            throw ApiProblem.of(Kind.INVALID_REFRESH);
        }
        String hash = Hashes.sha256Hex(refreshToken);
        SessionRepository.RefreshToken stored = sessions.findRefreshToken(hash)
                .orElseThrow(() -> ApiProblem.of(Kind.INVALID_REFRESH));
        Session session = sessions.find(stored.sessionId()).orElseThrow(() -> ApiProblem.of(Kind.INVALID_REFRESH));
        Instant now = clock.instant();
        if (stored.usedAt() != null || !sessions.markRefreshTokenUsed(hash, now)) {
            sessions.revoke(session.id(), now, "refresh-reuse");
            audit.record("refresh.reuse", "revoked", session.userId(), session.id(), client.ip(), null);
            throw ApiProblem.of(Kind.INVALID_REFRESH);
        }
        if (!session.activeAt(now)) {
            audit.record("refresh", "failure", session.userId(), session.id(), client.ip(),
                    session.revokedAt() != null ? "session revoked" : "session expired");
            throw ApiProblem.of(Kind.INVALID_REFRESH);
        }
        User user = users.findById(session.userId()).orElseThrow(() -> ApiProblem.of(Kind.INVALID_REFRESH));
        String next = Hashes.newToken();
        sessions.insertRefreshToken(Hashes.sha256Hex(next), session.id(), now);
        sessions.touch(session.id(), now, client.ip());
        audit.record("refresh", "success", user.id(), session.id(), client.ip(), null);
        return tokens(user, session, next);
    }

    /** Ends the session of a refresh token; answers the same for any token. */
    public void logout(String refreshToken, ClientInfo client) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 128) {
            return;
        }
        sessions.findRefreshToken(Hashes.sha256Hex(refreshToken)).ifPresent(t -> {
            sessions.revoke(t.sessionId(), clock.instant(), "logout");
            audit.record("logout", "success", null, t.sessionId(), client.ip(), null);
        });
    }

    public int logoutAll(Caller caller) {
        int n = sessions.revokeAll(caller.userId(), clock.instant(), "logout-all");
        audit.record("logout-all", "success", caller.userId(), caller.sessionId(), caller.ip(), "sessions revoked: " + n);
        return n;
    }

    /** Admin: revokes every session of an account. */
    public int revokeSessions(String userId, Caller admin) {
        users.findById(userId).orElseThrow(() -> ApiProblem.of(Kind.NOT_FOUND));
        int n = sessions.revokeAll(userId, clock.instant(), "admin");
        audit.record("admin.sessions.revoke", "success", userId, null, admin.ip(), "by " + admin.userId() + ", revoked: " + n);
        return n;
    }

    /** A new TOTP secret (not yet enabled) and its otpauth URI. */
    public Map<String, String> setupTotp(Caller caller) {
        User user = users.findById(caller.userId()).orElseThrow(() -> ApiProblem.of(Kind.UNAUTHENTICATED));
        String secret = Totp.newSecret();
        if (!users.setPendingTotp(user.id(), secret)) {
            throw ApiProblem.of(Kind.INVALID_REQUEST, "two-factor authentication is already on");
        }
        audit.record("2fa.setup", "success", user.id(), caller.sessionId(), caller.ip(), null);
        return Map.of("secret", secret, "otpauthUri", Totp.uri(ttl.issuer(), user.email(), secret));
    }

    /** Confirms the pending secret with a current code; from then on login needs a code. */
    public void verifyTotp(Caller caller, String code) {
        User user = users.findById(caller.userId()).orElseThrow(() -> ApiProblem.of(Kind.UNAUTHENTICATED));
        if (user.totpEnabled() || user.totpSecret() == null) {
            throw ApiProblem.of(Kind.INVALID_REQUEST, "no pending two-factor setup");
        }
        OptionalLong step = Totp.match(user.totpSecret(), code, clock.instant());
        if (step.isEmpty()) {
            audit.record("2fa.verify", "failure", user.id(), caller.sessionId(), caller.ip(), null);
            throw ApiProblem.of(Kind.INVALID_REQUEST, "wrong code");
        }
        users.enableTotp(user.id(), step.getAsLong());
        audit.record("2fa.verify", "success", user.id(), caller.sessionId(), caller.ip(), null);
    }

    private Tokens tokens(User user, Session session, String refresh) {
        AccessTokens.Issued access = accessTokens.issue(user.id(), user.roles(), session.id());
        long expiresIn = access.expiresAt().getEpochSecond() - clock.instant().getEpochSecond();
        return new Tokens(access.token(), "Bearer", expiresIn, refresh, session.expiresAt());
    }

    private void sendVerification(String userId, String email) {
        String token = oneTimeTokens.issue(userId, OneTimeTokens.Purpose.VERIFY_EMAIL, ttl.verificationTtl());
        mail.send(new MailSender.Message(email, "Verify your email address",
                "Confirm your address with this token (valid " + ttl.verificationTtl().toHours() + " h):\n" + token,
                "verify-email", token));
    }

    /** Trimmed, lower case, 3 to 254 characters with one '@' not at either end; else 400. */
    static String email(String raw) {
        String e = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        int at = e.indexOf('@');
        if (e.length() < 3 || e.length() > 254 || at <= 0 || at != e.lastIndexOf('@') || at == e.length() - 1
                || e.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw ApiProblem.of(Kind.INVALID_REQUEST, "a valid email address is required");
        }
        return e;
    }
}
