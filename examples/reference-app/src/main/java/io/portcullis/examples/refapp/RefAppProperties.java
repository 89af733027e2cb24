package io.portcullis.examples.refapp;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The app's own settings ({@code refapp.*} in application.yml). */
@ConfigurationProperties("refapp")
public record RefAppProperties(
        @DefaultValue Tokens tokens,
        @DefaultValue Argon2 argon2,
        @DefaultValue Login login,
        @DefaultValue({"127.0.0.1", "::1"}) List<String> trustedProxies,
        @DefaultValue BootstrapAdmin bootstrapAdmin,
        @DefaultValue Gateway gateway) {

    /** Token issuer, audience and lifetimes. */
    public record Tokens(
            @DefaultValue("portcullis-reference-app") String issuer,
            @DefaultValue("portcullis-reference-api") String audience,
            @DefaultValue("10m") Duration accessTtl,
            @DefaultValue("30d") Duration refreshTtl,
            @DefaultValue("24h") Duration verificationTtl,
            @DefaultValue("30m") Duration resetTtl) {
    }

    /** Argon2id cost parameters for new password hashes. */
    public record Argon2(
            @DefaultValue("19456") int memoryKib,
            @DefaultValue("2") int iterations,
            @DefaultValue("1") int parallelism) {
    }

    /** Per-account login throttling: {@code maxFailures} failed attempts per {@code window}. */
    public record Login(
            @DefaultValue("5") int maxFailures,
            @DefaultValue("15m") Duration window) {
    }

    /** The Portcullis gateway started in this JVM in front of the app (the demo; off by default). */
    public record Gateway(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("127.0.0.1") String bind,
            @DefaultValue("8443") int httpsPort,
            String certificate,
            String privateKey,
            @DefaultValue("30s") Duration jwksMinRefresh) {
    }

    /** An admin account created at start when both are set and the email is not yet registered. */
    public record BootstrapAdmin(String email, String password) {
    }
}
