package io.portcullis.gateway.acme;

import io.portcullis.gateway.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
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
 * @param redis         shared storage for several gateway nodes, or null (one node: the directory is the storage)
 */
public record AcmeConfig(URI directory, List<String> domains, String email, boolean agreeToTerms, Path storage,
                         String keyType, Path directoryCa, Duration renewBefore, String eabKeyId, String eabHmacKey,
                         String challenge, Redis redis) {

    /**
     * Storage shared by a fleet of gateway nodes in Redis: the account key, the certificate key and
     * chain, a lock so that one node orders while the others wait and load what it stored, and the
     * pending challenges so that any node answers the CA. Each node still keeps the files in
     * {@code storage} for its listener. Redis holds the private keys: use ACLs and {@code rediss://}.
     *
     * @param uri       {@code redis://[password@]host:port[/db]} or {@code rediss://...}
     * @param keyPrefix prefix of every key and of the channel; default {@value #DEFAULT_PREFIX}
     */
    public record Redis(String uri, String keyPrefix) {
        public static final String DEFAULT_PREFIX = "portcullis:acme:";

        public Redis {
            ConfigException.check(uri != null && (uri.startsWith("redis://") || uri.startsWith("rediss://")), "uri",
                    (uri == null ? "missing" : "'" + uri.replaceAll("//[^@/]*@", "//***@") + "'")
                            + " (expected: redis://host:port or rediss://host:port)");
            try {
                io.lettuce.core.RedisURI.create(uri);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("uri", "not a Redis URI: " + e.getMessage());
            }
            keyPrefix = keyPrefix == null ? DEFAULT_PREFIX : keyPrefix;
            ConfigException.check(!keyPrefix.isBlank() && keyPrefix.length() <= 200, "keyPrefix",
                    "'" + keyPrefix + "' (expected: 1-200 characters)");
        }

        @Override
        public String toString() {
            return "Redis[uri=" + uri.replaceAll("//[^@/]*@", "//***@") + ", keyPrefix=" + keyPrefix + "]";
        }
    }

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

    @Override
    public String toString() { // never the EAB key
        return "AcmeConfig[directory=" + directory + ", domains=" + domains + ", storage=" + storage
                + ", challenge=" + challenge + (redis == null ? "" : ", " + redis) + "]";
    }

    /**
     * The directory a configuration names: {@code lets-encrypt}, {@code lets-encrypt-staging}, or the
     * CA's directory URL. Throws {@link ConfigException} on field {@code directory} for anything else.
     */
    public static URI directory(String name) {
        String dir = name.trim();
        return switch (dir) {
            case "lets-encrypt" -> LETS_ENCRYPT;
            case "lets-encrypt-staging" -> LETS_ENCRYPT_STAGING;
            default -> {
                try {
                    yield new URI(dir);
                } catch (URISyntaxException e) {
                    throw new ConfigException("directory", "'" + dir + "' is not a URL: " + e.getReason()
                            + " (expected: the CA's https directory URL)");
                }
            }
        };
    }

    /** An order for {@code domains} at {@code directory}, with defaults for the rest. */
    public static AcmeConfig of(URI directory, Path storage, String... domains) {
        return new AcmeConfig(directory, List.of(domains), null, true, storage, null, null, null, null, null, null, null);
    }

    /**
     * The files the certificate is kept in, for the HTTPS listener's {@code TlsConfig}: the chain and
     * key under {@code storage/<first domain>/}. They exist once {@link AcmeCertificates#create} ran.
     */
    public io.portcullis.gateway.CertificateConfig certificate() {
        Path dir = storage.resolve(domains.get(0));
        return io.portcullis.gateway.CertificateConfig.of(dir.resolve("fullchain.pem"), dir.resolve("key.pem"));
    }

    public AcmeConfig withAgreeToTerms(boolean value) {
        return new AcmeConfig(directory, domains, email, value, storage, keyType, directoryCa, renewBefore, eabKeyId, eabHmacKey, challenge, redis);
    }

    /** With External Account Binding: the key id and HMAC key (base64url) the CA gave. */
    public AcmeConfig withEab(String keyId, String hmacKey) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, directoryCa, renewBefore, keyId, hmacKey, challenge, redis);
    }

    /** With storage shared in Redis by several gateway nodes (null: the directory only). */
    public AcmeConfig withRedis(Redis value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, directoryCa, renewBefore, eabKeyId, eabHmacKey, challenge, value);
    }

    public AcmeConfig withEmail(String value) {
        return new AcmeConfig(directory, domains, value, agreeToTerms, storage, keyType, directoryCa, renewBefore, eabKeyId, eabHmacKey, challenge, redis);
    }

    public AcmeConfig withDirectoryCa(Path value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, value, renewBefore, eabKeyId, eabHmacKey, challenge, redis);
    }

    public AcmeConfig withRenewBefore(Duration value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, directoryCa, value, eabKeyId, eabHmacKey, challenge, redis);
    }

    public AcmeConfig withChallenge(String value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, keyType, directoryCa, renewBefore, eabKeyId, eabHmacKey, value, redis);
    }

    public AcmeConfig withKeyType(String value) {
        return new AcmeConfig(directory, domains, email, agreeToTerms, storage, value, directoryCa, renewBefore, eabKeyId, eabHmacKey, challenge, redis);
    }
}
