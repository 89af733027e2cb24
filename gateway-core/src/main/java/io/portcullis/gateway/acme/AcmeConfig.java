package io.portcullis.gateway.acme;

import io.portcullis.gateway.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Certificates from an ACME CA (RFC 8555: Let's Encrypt, ZeroSSL, an internal step-ca, pebble).
 *
 * @param directory     the CA's directory URL, e.g. {@link #LETS_ENCRYPT} or {@link #LETS_ENCRYPT_STAGING}
 * @param domains       the names of the certificate (the first is its subject); no wildcards (http-01 cannot prove them)
 * @param email         account contact, or null
 * @param agreeToTerms  the CA's terms of service are accepted (required by most CAs)
 * @param storage       where the account key, the domain key and the certificate live (created 0700, keys 0600)
 * @param keyType       {@code ec-p256} (default) or {@code rsa-2048} for the certificate key
 * @param directoryCa   PEM CA bundle the directory's TLS certificate must chain to (a private CA), or null
 *                      for the JDK's trust store
 * @param renewBefore   renew this long before expiry; null: when a third of the lifetime remains
 * @param eabKeyId      External Account Binding key id (ZeroSSL, commercial CAs), or null
 * @param eabHmacKey    the EAB HMAC key (base64url), with {@code eabKeyId}
 * @param challenge     {@code http-01} (default: answered on the cleartext listeners, port 80) or
 *                      {@code tls-alpn-01} (answered in the TLS handshake on the HTTPS listener, port 443;
 *                      no cleartext listener needed)
 */
public record AcmeConfig(URI directory, List<String> domains, String email, boolean agreeToTerms, Path storage,
                         String keyType, Path directoryCa, Duration renewBefore, String eabKeyId, String eabHmacKey,
                         String challenge) {

    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");

    public AcmeConfig {
        ConfigException.check(directory != null && ("https".equals(directory.getScheme()) || "http".equals(directory.getScheme())),
                "directory", directory + " (expected: the CA's https directory URL)");
        domains = List.copyOf(ConfigException.required(domains, "domains", "at least one domain name"));
        ConfigException.check(!domains.isEmpty(), "domains", "empty (expected: at least one domain name)");
        for (int i = 0; i < domains.size(); i++) {
            String d = domains.get(i);
            ConfigException.check(d != null && d.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,62}\\.)*[A-Za-z0-9-]{1,63}") && !d.contains("*"),
                    "domains[" + i + "]", "'" + d + "' (expected: a DNS name without wildcards)");
        }
        domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        ConfigException.check(agreeToTerms, "agreeToTerms", "false (expected: true, accepting the CA's terms of service)");
        ConfigException.check(storage != null, "storage", "missing (expected: a directory for keys and certificates)");
        keyType = keyType == null ? "ec-p256" : keyType;
        ConfigException.check(keyType.equals("ec-p256") || keyType.equals("rsa-2048"), "keyType",
                "'" + keyType + "' (expected: ec-p256 or rsa-2048)");
        ConfigException.check(renewBefore == null || (!renewBefore.isNegative() && !renewBefore.isZero()), "renewBefore",
                renewBefore + " (expected: a positive duration)");
        ConfigException.check((eabKeyId == null) == (eabHmacKey == null), "eabHmacKey",
                "eabKeyId and eabHmacKey go together");
        challenge = challenge == null ? "http-01" : challenge;
        ConfigException.check(challenge.equals("http-01") || challenge.equals("tls-alpn-01"), "challenge",
                "'" + challenge + "' (expected: http-01 or tls-alpn-01)");
    }

    /** An order for {@code domains} at {@code directory}, with defaults for the rest. */
    public static AcmeConfig of(URI directory, Path storage, String... domains) {
        return new AcmeConfig(directory, List.of(domains), null, true, storage, null, null, null, null, null, null);
    }

    public AcmeConfig withEmail(String value) {
        return new AcmeConfig(directory, domains, value, agreeToTerms, storage, keyType, directoryCa, renewBefore, eabKeyId, eabHmacKey, challenge);
    }

    public AcmeConfig withDirectoryCa(Path value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, value, renewBefore, eabKeyId, eabHmacKey, challenge);
    }

    public AcmeConfig withRenewBefore(Duration value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, directoryCa, value, eabKeyId, eabHmacKey, challenge);
    }

    public AcmeConfig withChallenge(String value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, directoryCa, renewBefore, eabKeyId, eabHmacKey, value);
    }

    public AcmeConfig withKeyType(String value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, value, directoryCa, renewBefore, eabKeyId, eabHmacKey, challenge);
    }
}
