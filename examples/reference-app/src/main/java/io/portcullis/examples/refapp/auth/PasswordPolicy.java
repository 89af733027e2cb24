package io.portcullis.examples.refapp.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * NIST SP 800-63B style: 12 to 128 characters, no composition rules, not a well-known password,
 * not built from the email address, not one repeated character.
 */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;
    private static final Set<String> COMMON = Set.of(
            "123456789012", "password1234", "passwordpassword", "qwertyuiopas", "111111111111",
            "iloveyou1234", "letmein12345", "administrator", "welcome12345", "changeme1234",
            "correcthorsebatterystaple", "trustno1trustno1", "qwerty123456", "1q2w3e4r5t6y");

    private PasswordPolicy() {
    }

    /** Why {@code password} is refused, or empty when it is acceptable. */
    public static Optional<String> check(String password, String email) {
        if (password == null) {
            return Optional.of("a password is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return Optional.of("use " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (COMMON.contains(lower.replace(" ", ""))) {
            return Optional.of("this password is too common");
        }
        if (password.codePoints().distinct().count() < 4) {
            return Optional.of("use more different characters");
        }
        if (email != null) {
            String local = email.toLowerCase(Locale.ROOT);
            int at = local.indexOf('@');
            local = at > 0 ? local.substring(0, at) : local;
            if (lower.contains(email.toLowerCase(Locale.ROOT)) || (local.length() >= 4 && lower.contains(local))) {
                return Optional.of("do not build the password from the email address");
            }
        }
        return Optional.empty();
    }
}
