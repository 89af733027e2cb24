package io.portcullis.examples.refapp.support;

import io.portcullis.examples.refapp.audit.AuditLog;
import io.portcullis.examples.refapp.sessions.Session;
import io.portcullis.examples.refapp.sessions.SessionRepository;
import io.portcullis.examples.refapp.users.Role;
import io.portcullis.examples.refapp.users.UserRepository;
import io.portcullis.examples.refapp.web.ApiProblem;
import io.portcullis.examples.refapp.web.Caller;
import io.portcullis.examples.refapp.web.RequiresRole;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /support}: read-only views for roles {@code support} and {@code admin} (an account's
 * sessions and its audit trail). Acting on an account (revoking sessions) stays with admin.
 */
@RestController
@RequestMapping("/support/users/{id}")
@RequiresRole({Role.SUPPORT, Role.ADMIN})
public class SupportController {
    private final UserRepository users;
    private final SessionRepository sessions;
    private final AuditLog audit;

    public SupportController(UserRepository users, SessionRepository sessions, AuditLog audit) {
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
    }

    /** A session as support sees it (no token material exists to show). */
    public record SessionView(String id, String ipAddress, String userAgent, String fingerprint, Instant createdAt,
                              Instant lastUsedAt, Instant expiresAt, Instant revokedAt, String revokeReason) {
        static SessionView of(Session s) {
            return new SessionView(s.id(), s.ipAddress(), s.userAgent(), s.fingerprint(), s.createdAt(), s.lastUsedAt(),
                    s.expiresAt(), s.revokedAt(), s.revokeReason());
        }
    }

    @GetMapping("/sessions")
    public Map<String, List<SessionView>> sessions(@PathVariable("id") String id, Caller caller) {
        exists(id);
        return Map.of("sessions", sessions.findByUser(id).stream().map(SessionView::of).toList());
    }

    @GetMapping("/audit")
    public Map<String, List<AuditLog.Event>> audit(@PathVariable("id") String id, Caller caller) {
        exists(id);
        return Map.of("events", audit.forUser(id));
    }

    private void exists(String id) {
        users.findById(id).orElseThrow(() -> ApiProblem.of(ApiProblem.Kind.NOT_FOUND));
    }
}
