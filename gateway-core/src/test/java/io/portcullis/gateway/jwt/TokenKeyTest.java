package io.portcullis.gateway.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cache key: equal only for the very same token, whatever the hash says; the probe is reused safely. */
class TokenKeyTest {
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    @Test
    void aProbeFindsTheCopyOfTheSameTokenOnly() {
        TokenKey stored = TokenKey.of(TOKEN);
        String header = "Bearer " + TOKEN;
        TokenKey probe = TokenKey.probe(header, 7, header.length());
        assertThat(probe).isEqualTo(stored);
        assertThat(stored).isEqualTo(probe);
        assertThat(probe.hashCode()).isEqualTo(stored.hashCode());
        for (int i = 0; i < TOKEN.length(); i++) {
            char[] c = TOKEN.toCharArray();
            c[i] = c[i] == 'A' ? 'B' : 'A';
            assertThat(TokenKey.of(new String(c))).as("differs at " + i).isNotEqualTo(stored);
        }
        assertThat(TokenKey.of(TOKEN + "A")).isNotEqualTo(stored);
        assertThat(TokenKey.of(TOKEN.substring(1))).isNotEqualTo(stored);
    }

    @Test
    void theProbeIsReusedAndACopyIsNot() {
        TokenKey first = TokenKey.probe(TOKEN, 0, TOKEN.length());
        TokenKey copy = first.copy();
        String longer = TOKEN + "x".repeat(3000); // grows the probe's buffer
        TokenKey second = TokenKey.probe(longer, 0, longer.length());
        assertThat(second).isSameAs(first);
        assertThat(copy).isNotEqualTo(second);
        assertThat(copy).isEqualTo(TokenKey.of(TOKEN)); // of() probes too: second holds TOKEN from here on
        TokenKey again = TokenKey.probe(TOKEN, 0, TOKEN.length());
        assertThat(again).as("padding of the longer token cleared").isEqualTo(copy);
    }

    @Test
    void nonAsciiIsRefusedEvenWhenItsLowByteIsAscii() {
        assertThat(TokenKey.of(TOKEN + "\u00e9")).isNull();
        // U+0141's low byte is 'A': it must not pass for a token ending in A
        assertThat(TokenKey.of(TOKEN.substring(0, TOKEN.length() - 1) + "\u0141")).isNull();
        assertThat(TokenKey.of(TOKEN)).isNotNull();
    }

    @Test
    void hashesSpreadAndNeverShowTheToken() {
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            hashes.add(TokenKey.of(TOKEN + i).hashCode());
        }
        assertThat(hashes).hasSizeGreaterThan(990);
        assertThat(TokenKey.of(TOKEN).toString()).doesNotContain("eyJ");
    }
}
