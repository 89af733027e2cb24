package io.portcullis.examples.refapp.admin;

import io.portcullis.examples.refapp.RefAppProperties;
import io.portcullis.examples.refapp.auth.AuthService;
import io.portcullis.examples.refapp.users.Role;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Creates the first admin from {@code refapp.bootstrap-admin.email} / {@code .password} (verified,
 * roles user + admin) when that email is not registered yet. Nothing happens when unset.
 */
@Component
public class BootstrapAdmin implements ApplicationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final RefAppProperties.BootstrapAdmin settings;
    private final AuthService auth;

    public BootstrapAdmin(RefAppProperties properties, AuthService auth) {
        this.settings = properties.bootstrapAdmin();
        this.auth = auth;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (settings.email() == null || settings.email().isBlank() || settings.password() == null) {
            return;
        }
        if (auth.createVerified(settings.email(), settings.password(), EnumSet.of(Role.USER, Role.ADMIN))) {
            LOG.info("created admin account {}", settings.email());
        }
    }
}
