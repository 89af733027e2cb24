package io.portcullis.examples.refapp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    @Test
    void check_refusesShortCommonRepetitiveAndEmailBasedPasswords() {
        assertThat(PasswordPolicy.check("elevenchars", "a@b.c")).isPresent();
        assertThat(PasswordPolicy.check("x".repeat(129), "a@b.c")).isPresent();
        assertThat(PasswordPolicy.check("Password1234", "a@b.c")).isPresent();
        assertThat(PasswordPolicy.check("abababababab", "a@b.c")).isPresent();
        assertThat(PasswordPolicy.check("alice.smith-2024!", "alice.smith@example.com")).isPresent();
        assertThat(PasswordPolicy.check("blue kettle on the moon", "alice.smith@example.com")).isEmpty();
        assertThat(PasswordPolicy.check("ünïcødé pässwörd", "a@b.c")).isEmpty();
    }
}
