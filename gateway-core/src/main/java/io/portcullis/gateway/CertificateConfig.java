package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One server certificate: a PEM chain (leaf first) and its PEM private key (RSA or ECDSA; PKCS#8,
 * PKCS#1 or SEC1). The files are watched: a replaced file is picked up by new handshakes.
 *
 * @param certificateChain PEM file with the leaf certificate followed by intermediates
 * @param privateKey       PEM file with the unencrypted private key
 * @param serverNames      SNI names this certificate answers: exact ({@code api.example.com}) or
 *                         wildcard ({@code *.example.com}); empty means the DNS names of the
 *                         certificate's subjectAltName extension
 */
public record CertificateConfig(Path certificateChain, Path privateKey, List<String> serverNames) {

    public CertificateConfig {
        ConfigException.required(certificateChain, "certificateChain", "a PEM certificate chain file");
        ConfigException.required(privateKey, "privateKey", "a PEM private key file");
        serverNames = serverNames == null ? List.of() : serverNames.stream()
                .map(n -> n == null ? "" : n.trim().toLowerCase(Locale.ROOT)).toList();
        for (int i = 0; i < serverNames.size(); i++) {
            String n = serverNames.get(i);
            check(isValidServerName(n), "serverNames[" + i + "]",
                    "'" + n + "' (expected: a host name such as api.example.com or *.example.com)");
        }
    }

    public static CertificateConfig of(Path certificateChain, Path privateKey, String... serverNames) {
        return new CertificateConfig(certificateChain, privateKey, List.of(serverNames));
    }

    static boolean isValidServerName(String name) {
        String host = name.startsWith("*.") ? name.substring(2) : name;
        if (host.isEmpty() || host.length() > 253 || host.startsWith(".") || host.endsWith(".")) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok || (c == '.' && host.charAt(i - 1) == '.')) {
                return false;
            }
        }
        return true;
    }
}
