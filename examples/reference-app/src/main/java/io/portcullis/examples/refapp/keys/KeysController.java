package io.portcullis.examples.refapp.keys;

import io.portcullis.examples.refapp.audit.AuditLog;
import io.portcullis.examples.refapp.users.Role;
import io.portcullis.examples.refapp.web.Caller;
import io.portcullis.examples.refapp.web.RequiresRole;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /auth/keys/jwks.json} (public) and {@code POST /auth/keys/rotate} (admin). */
@RestController
public class KeysController {
    private static final MediaType JWK_SET = MediaType.parseMediaType("application/jwk-set+json");

    private final SigningKeys keys;
    private final AuditLog audit;

    public KeysController(SigningKeys keys, AuditLog audit) {
        this.keys = keys;
        this.audit = audit;
    }

    @GetMapping("/auth/keys/jwks.json")
    public ResponseEntity<String> jwks() {
        return ResponseEntity.ok()
                .contentType(JWK_SET)
                .cacheControl(CacheControl.noCache())
                .body(keys.publicJwks().toString(true));
    }

    @PostMapping("/auth/keys/rotate")
    @RequiresRole(Role.ADMIN)
    public Map<String, String> rotate(Caller caller) {
        String kid = keys.rotate();
        audit.record("keys.rotate", "success", caller.userId(), caller.sessionId(), caller.ip(), "kid=" + kid);
        return Map.of("kid", kid);
    }
}
