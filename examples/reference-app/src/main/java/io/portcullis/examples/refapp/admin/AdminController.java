package io.portcullis.examples.refapp.admin;

import io.portcullis.examples.refapp.auth.AuthService;
import io.portcullis.examples.refapp.users.Role;
import io.portcullis.examples.refapp.web.Caller;
import io.portcullis.examples.refapp.web.RequiresRole;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /admin}: role {@code admin} only (checked here and, in front, by the gateway). */
@RestController
@RequestMapping("/admin")
@RequiresRole(Role.ADMIN)
public class AdminController {
    private final AuthService auth;

    public AdminController(AuthService auth) {
        this.auth = auth;
    }

    @GetMapping("/ping")
    public Map<String, String> ping(Caller caller) {
        return Map.of("status", "ok", "admin", caller.userId());
    }

    @PostMapping("/users/{id}/sessions/revoke")
    public Map<String, Object> revokeSessions(@PathVariable("id") String id, Caller caller) {
        return Map.of("userId", id, "revoked", auth.revokeSessions(id, caller));
    }
}
