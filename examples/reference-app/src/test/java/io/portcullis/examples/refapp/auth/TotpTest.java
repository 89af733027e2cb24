package io.portcullis.examples.refapp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TotpTest {
    private static final byte[] RFC_SHA1_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    /** RFC 6238 appendix B, SHA-1 rows (8 digits). */
    @ParameterizedTest
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
            "2000000000, 69279037", "20000000000, 65353130"})
    void code_matchesTheRfc6238Vectors(long time, String expected) {
        assertThat(Totp.code(RFC_SHA1_KEY, Totp.step(Instant.ofEpochSecond(time)), "HmacSHA1", 8)).isEqualTo(expected);
    }

    @Test
    void base32_roundTripsAndMatchesRfc4648() {
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(new String(Base32.decode("MZXW6YTBOI"), StandardCharsets.US_ASCII)).isEqualTo("foobar");
        String secret = Totp.newSecret();
        assertThat(secret).hasSize(32);
        assertThat(Base32.decode(secret)).hasSize(20);
    }

    @Test
    void match_acceptsOneStepOfDriftOnly() {
        String secret = Base32.encode(RFC_SHA1_KEY);
        Instant now = Instant.ofEpochSecond(1_111_111_111L);
        long step = Totp.step(now);
        assertThat(Totp.match(secret, Totp.code(secret, step), now)).hasValue(step);
        assertThat(Totp.match(secret, Totp.code(secret, step + 1), now)).hasValue(step + 1);
        assertThat(Totp.match(secret, Totp.code(secret, step - 2), now)).isEmpty();
        assertThat(Totp.match(secret, "12345", now)).isEmpty();
        assertThat(Totp.match(secret, "abcdef", now)).isEmpty();
    }
}
