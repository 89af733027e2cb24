package io.portcullis.examples.refapp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.examples.refapp.RefAppProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The production Argon2id parameters (application.yml), hashed and verified once. */
class PasswordHasherTest {

    @Test
    void productionParameters_hashAndVerify() throws Exception {
        RefAppProperties.Argon2 production = productionArgon2();
        assertThat(production.memoryKib()).isEqualTo(19456);
        assertThat(production.iterations()).isEqualTo(2);
        PasswordHasher hasher = new PasswordHasher(production.memoryKib(), production.iterations(), production.parallelism());

        String hash = hasher.hash("correct horse battery staple");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify(hash, "correct horse battery staple")).isTrue();
        assertThat(hasher.verify(hash, "correct horse battery stapler")).isFalse();
        assertThat(hasher.verify(null, "correct horse battery staple")).as("unknown account").isFalse();
        assertThat(hasher.needsRehash(hash)).isFalse();
        assertThat(hasher.needsRehash(new PasswordHasher(1024, 1, 1).hash("weaker"))).as("upgraded at next login").isTrue();
    }

    private static RefAppProperties.Argon2 productionArgon2() throws Exception {
        StandardEnvironment env = new StandardEnvironment();
        for (PropertySource<?> ps : new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))) {
            env.getPropertySources().addLast(ps);
        }
        return Binder.get(env).bind("refapp.argon2", RefAppProperties.Argon2.class).get();
    }
}
