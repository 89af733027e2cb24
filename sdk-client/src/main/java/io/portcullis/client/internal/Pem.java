package io.portcullis.client.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM certificates and unencrypted PKCS#8 private keys, read with the JDK alone. */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Pem() {
    }

    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, "CERTIFICATE")) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": not a readable certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + ": no PEM CERTIFICATE block");
        }
        return out;
    }

    public static PrivateKey privateKey(String pem, String what) {
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            String hint = pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                    ? " (convert with: openssl pkcs8 -topk8 -nocrypt)" : "";
            throw new IllegalArgumentException(what + ": expected one unencrypted PKCS#8 'PRIVATE KEY' block" + hint);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String alg : new String[] {"EC", "RSA", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm: PKCS#8 names it, but asking the factories is simpler than parsing DER
            }
        }
        throw new IllegalArgumentException(what + ": unsupported private key algorithm");
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return out;
    }
}
