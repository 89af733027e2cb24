package io.portcullis.gateway.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.ConfigException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The directory names every configuration face accepts. */
class AcmeDirectoryNameTest {

    @Test
    void namesAndUrls() {
        assertThat(AcmeConfig.directory("lets-encrypt")).isEqualTo(AcmeConfig.LETS_ENCRYPT);
        assertThat(AcmeConfig.directory(" lets-encrypt-staging ")).isEqualTo(AcmeConfig.LETS_ENCRYPT_STAGING);
        assertThat(AcmeConfig.directory("https://127.0.0.1:14000/dir")).isEqualTo(URI.create("https://127.0.0.1:14000/dir"));
    }

    @Test
    void anythingElseNamesTheField() {
        assertThatThrownBy(() -> AcmeConfig.directory("lets encrypt"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("directory: 'lets encrypt' is not a URL")
                .hasMessageContaining("expected: the CA's https directory URL");
    }
}
