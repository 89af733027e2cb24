package io.portcullis.server.internal.pki;

import io.netty.util.NetUtil;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;

/** Checks and parses the names of issued certificates: the certificate name and its subject alternative names. */
public final class SubjectNames {
    /** A certificate name is also a file name: letters, digits, dot, dash and underscore, not starting with a dot. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private SubjectNames() {
    }

    /** Whether {@code name} can name an issued certificate (its common name and its file names). */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches() && !name.endsWith(".chain") && !name.contains("..");
    }

    /** A host name such as {@code api.internal} or {@code redis}; with {@code *.} in front when wildcards are allowed. */
    static boolean isDnsName(String name, boolean wildcardAllowed) {
        String n = name.toLowerCase(Locale.ROOT);
        if (wildcardAllowed && n.startsWith("*.")) {
            n = n.substring(2);
        }
        if (n.isEmpty() || n.length() > 253 || NetUtil.isValidIpV4Address(n)) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The IP address literal, or null if {@code s} is not one (never a DNS lookup). */
    static byte[] ipAddress(String s) {
        return NetUtil.createByteArrayFromIpAddressString(s);
    }

    /**
     * Parses {@code DNS:name}, {@code IP:address} or {@code URI:uri}; a value without a prefix is an
     * IP address if it is one, else a DNS name.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static GeneralName parseSan(String san) {
        int colon = san.indexOf(':');
        String type = colon > 0 ? san.substring(0, colon).toUpperCase(Locale.ROOT) : "";
        String value;
        switch (type) {
            case "DNS" -> {
                value = san.substring(colon + 1);
                if (!isDnsName(value, true)) {
                    throw new IllegalArgumentException("'" + san + "': not a DNS name (expected e.g. DNS:api.internal or DNS:*.internal)");
                }
                return new GeneralName(GeneralName.dNSName, value.toLowerCase(Locale.ROOT));
            }
            case "IP" -> {
                value = san.substring(colon + 1);
                if (ipAddress(value) == null) {
                    throw new IllegalArgumentException("'" + san + "': not an IP address (expected e.g. IP:10.0.0.7 or IP:::1)");
                }
                return new GeneralName(GeneralName.iPAddress, value);
            }
            case "URI" -> {
                value = san.substring(colon + 1);
                try {
                    java.net.URI u = new java.net.URI(value);
                    if (u.getScheme() == null) {
                        throw new java.net.URISyntaxException(value, "no scheme");
                    }
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("'" + san + "': not an absolute URI (expected e.g. URI:spiffe://internal/api)");
                }
                return new GeneralName(GeneralName.uniformResourceIdentifier, value);
            }
            default -> {
                if (ipAddress(san) != null) {
                    return new GeneralName(GeneralName.iPAddress, san);
                }
                if (isDnsName(san, true)) {
                    return new GeneralName(GeneralName.dNSName, san.toLowerCase(Locale.ROOT));
                }
                throw new IllegalArgumentException("'" + san + "' (expected: DNS:name, IP:address or URI:uri)");
            }
        }
    }
}
