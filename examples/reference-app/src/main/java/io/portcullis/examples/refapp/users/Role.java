package io.portcullis.examples.refapp.users;

import java.util.Locale;

/** RBAC roles: every account is a {@code user}; {@code support} and {@code admin} are granted. */
public enum Role {
    USER, SUPPORT, ADMIN;

    /** The name used in tokens and the database. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
