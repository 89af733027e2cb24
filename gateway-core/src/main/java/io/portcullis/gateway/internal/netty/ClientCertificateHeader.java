package io.portcullis.gateway.internal.netty;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code X-Forwarded-Client-Cert} value for a verified client certificate, in Envoy's format
 * ({@code Hash=<sha256 of the DER>;Subject="...";URI=...;DNS=...}), so upstreams written for Envoy
 * read it unchanged. Built once per connection's exchange from the certificate; never from anything
 * the client sent in headers.
 */
final class ClientCertificateHeader {
    private ClientCertificateHeader() {
    }

    static String value(X509Certificate cert) {
        StringBuilder sb = new StringBuilder("Hash=").append(sha256(cert));
        sb.append(";Subject=\"").append(escape(cert.getSubjectX500Principal().getName(), true)).append('"');
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    Object type = san.get(0);
                    String v = String.valueOf(san.get(1));
                    if (Integer.valueOf(6).equals(type)) {
                        sb.append(";URI=").append(escape(v, false));
                    } else if (Integer.valueOf(2).equals(type)) {
                        sb.append(";DNS=").append(escape(v, false));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SANs: the hash and subject still identify the certificate
        }
        return sb.toString();
    }

    private static String sha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Control and non-ASCII characters dropped, quotes escaped, and outside quotes the separators
     * too: a certificate field cannot break the header or forge another element.
     */
    private static String escape(String s, boolean quoted) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c > 0x7e) {
                continue;
            }
            if (c == '"' || c == '\\' || (!quoted && (c == ',' || c == ';' || c == '='))) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
