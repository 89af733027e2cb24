package io.portcullis.examples.refapp.auth;

import io.portcullis.examples.refapp.web.Caller;
import io.portcullis.examples.refapp.web.ClientInfo;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The {@code /auth} endpoints of seed 002 (keys are in {@code KeysController}). */
@RestController
@RequestMapping("/auth")
public class AuthController {
    private static final Map<String, String> ACCEPTED = Map.of("status", "accepted",
            "detail", "If the address can receive mail, a message is on its way.");

    private final AuthService auth;

    public AuthController(AuthService auth) {
        this.auth = auth;
    }

    /** Email and password. */
    public record Credentials(String email, String password, String totp) {
    }

    /** An email address. */
    public record EmailRequest(String email) {
    }

    /** A mailed token. */
    public record TokenRequest(String token) {
    }

    /** A reset token and the new password. */
    public record ResetRequest(String token, String newPassword) {
    }

    /** A refresh token. */
    public record RefreshRequest(String refreshToken) {
    }

    /** A TOTP code. */
    public record CodeRequest(String code) {
    }

    @PostMapping("/register")
    public ResponseEntity<Map<String, String>> register(@RequestBody Credentials body, ClientInfo client) {
        auth.register(body.email(), body.password(), client);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ACCEPTED);
    }

    @PostMapping("/email/verify/request")
    public ResponseEntity<Map<String, String>> requestVerification(@RequestBody EmailRequest body, ClientInfo client) {
        auth.requestVerification(body.email(), client);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ACCEPTED);
    }

    @PostMapping("/email/verify/confirm")
    public Map<String, String> confirmVerification(@RequestBody TokenRequest body, ClientInfo client) {
        auth.confirmVerification(body.token(), client);
        return Map.of("status", "verified");
    }

    @PostMapping("/password-reset/request")
    public ResponseEntity<Map<String, String>> requestReset(@RequestBody EmailRequest body, ClientInfo client) {
        auth.requestPasswordReset(body.email(), client);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ACCEPTED);
    }

    @PostMapping("/password-reset/confirm")
    public Map<String, String> confirmReset(@RequestBody ResetRequest body, ClientInfo client) {
        auth.confirmPasswordReset(body.token(), body.newPassword(), client);
        return Map.of("status", "password-changed");
    }

    @PostMapping("/login")
    public AuthService.Tokens login(@RequestBody Credentials body, ClientInfo client) {
        return auth.login(body.email(), body.password(), body.totp(), client);
    }

    @PostMapping("/refresh")
    public AuthService.Tokens refresh(@RequestBody RefreshRequest body, ClientInfo client) {
        return auth.refresh(body.refreshToken(), client);
    }

    @PostMapping("/logout")
    public ResponseEntity<Void> logout(@RequestBody RefreshRequest body, ClientInfo client) {
        auth.logout(body.refreshToken(), client);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/logout-all")
    public Map<String, Integer> logoutAll(Caller caller) {
        return Map.of("revoked", auth.logoutAll(caller));
    }

    @PostMapping("/2fa/setup")
    public Map<String, String> setupTotp(Caller caller) {
        return auth.setupTotp(caller);
    }

    @PostMapping("/2fa/verify")
    public Map<String, Object> verifyTotp(@RequestBody CodeRequest body, Caller caller) {
        auth.verifyTotp(caller, body.code());
        return Map.of("enabled", true);
    }
}
