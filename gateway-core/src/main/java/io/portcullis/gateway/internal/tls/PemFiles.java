package io.portcullis.gateway.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads PEM certificates and unencrypted private keys with the JDK alone (no BouncyCastle).
 * Keys may be PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519), PKCS#1 ({@code RSA PRIVATE KEY}) or
 * SEC1 ({@code EC PRIVATE KEY}); the last two are rewrapped into PKCS#8 for {@link KeyFactory}.
 * Every error is an {@link IllegalArgumentException} whose message names the source and the problem.
 */
public final class PemFiles {
    private static final String OID_RSA = "1.2.840.113549.1.1.1";
    private static final String OID_EC = "1.2.840.10045.2.1";
    private static final Map<String, String> KEY_FACTORY_BY_OID = Map.of(
            OID_RSA, "RSA",
            OID_EC, "EC",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");
    private static final List<String> FALLBACK_KEY_FACTORIES = List.of("RSA", "EC", "Ed25519");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemFiles() {
    }

    /** All {@code CERTIFICATE} blocks of the file, in file order (leaf first for a chain). */
    public static List<X509Certificate> readCertificates(Path pem) {
        return readCertificates(readText(pem), pem.toString());
    }

    /** Like {@link #readCertificates(Path)}; {@code sourceName} is used in error messages. */
    public static List<X509Certificate> readCertificates(String pemText, String sourceName) {
        List<Block> blocks = parse(pemText, sourceName);
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = certificateFactory();
        int index = 0;
        for (Block b : blocks) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            index++;
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException | ClassCastException e) {
                throw new IllegalArgumentException(sourceName + ": CERTIFICATE block #" + index
                        + " is not a valid X.509 certificate (" + e.getMessage() + ")", e);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(sourceName + ": no CERTIFICATE block found" + foundLabels(blocks)
                    + " (expected: PEM with -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /** The single unencrypted private key of the file; other blocks (certificates, EC PARAMETERS) are skipped. */
    public static PrivateKey readPrivateKey(Path pem) {
        return readPrivateKey(readText(pem), pem.toString());
    }

    /** Like {@link #readPrivateKey(Path)}; {@code sourceName} is used in error messages. */
    public static PrivateKey readPrivateKey(String pemText, String sourceName) {
        List<Block> blocks = parse(pemText, sourceName);
        Block key = null;
        String ecParametersCurve = null;
        for (Block b : blocks) {
            switch (b.label()) {
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(sourceName);
                case "EC PARAMETERS" -> ecParametersCurve = curveFromEcParameters(b.der(), sourceName);
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (key != null) {
                        throw new IllegalArgumentException(sourceName
                                + ": contains more than one private key (expected: exactly one)");
                    }
                    key = b;
                }
                default -> {
                    // certificates and anything else may share the file with the key
                }
            }
        }
        if (key == null) {
            throw new IllegalArgumentException(sourceName + ": no private key found" + foundLabels(blocks)
                    + " (expected: PEM with -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
        if (key.encryptedHeader()) {
            throw encrypted(sourceName);
        }
        try {
            return switch (key.label()) {
                case "RSA PRIVATE KEY" -> generate("RSA", rsaPkcs1ToPkcs8(key.der()), sourceName);
                case "EC PRIVATE KEY" -> generate("EC", sec1ToPkcs8(key.der(), ecParametersCurve, sourceName), sourceName);
                default -> pkcs8(key.der(), sourceName);
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(sourceName + ":")) {
                throw e;
            }
            throw new IllegalArgumentException(sourceName + ": malformed " + key.label() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The public key of the file: a {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo: RSA, EC or
     * Ed25519) or, failing that, the first {@code CERTIFICATE}'s key.
     */
    public static PublicKey readPublicKey(Path pem) {
        return readPublicKey(readText(pem), pem.toString());
    }

    /** Like {@link #readPublicKey(Path)}; {@code name} is used in error messages. */
    public static PublicKey readPublicKey(String pemText, String name) {
        List<Block> blocks = parse(pemText, name);
        for (Block b : blocks) {
            if (b.label().equals("PUBLIC KEY")) {
                for (String algorithm : FALLBACK_KEY_FACTORIES) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(b.der()));
                    } catch (GeneralSecurityException e) {
                        // try the next one
                    }
                }
                throw new IllegalArgumentException(name + ": unsupported PUBLIC KEY (expected: RSA, EC or Ed25519)");
            }
        }
        for (Block b : blocks) {
            if (b.label().equals("CERTIFICATE")) {
                return readCertificates(pemText, name).get(0).getPublicKey();
            }
        }
        throw new IllegalArgumentException(name + ": no public key found" + foundLabels(blocks)
                + " (expected: PEM with -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)");
    }

    /**
     * Proves that {@code key} belongs to {@code leaf} by signing a random challenge with the key and
     * verifying it with the certificate's public key.
     *
     * @throws IllegalArgumentException "private key does not match certificate" (with the source and subject)
     */
    public static void checkKeyMatches(X509Certificate leaf, PrivateKey key, String sourceName) {
        PublicKey publicKey = leaf.getPublicKey();
        String mismatch = sourceName + ": private key does not match certificate " + leaf.getSubjectX500Principal().getName();
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null) {
            throw new IllegalArgumentException(sourceName + ": unsupported private key algorithm " + key.getAlgorithm()
                    + " (expected: RSA, EC or Ed25519)");
        }
        if (!sameFamily(key.getAlgorithm(), publicKey.getAlgorithm())) {
            throw new IllegalArgumentException(mismatch + " (key is " + key.getAlgorithm()
                    + ", certificate is " + publicKey.getAlgorithm() + ")");
        }
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            // e.g. an EC key on another curve than the certificate's: not the same key pair either
            throw new IllegalArgumentException(mismatch + " (" + e.getMessage() + ")", e);
        }
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
    }

    private static boolean sameFamily(String a, String b) {
        return a.equals(b) || (a.startsWith("Ed") && b.startsWith("Ed"));
    }

    // ---- PEM ------------------------------------------------------------------------------

    /** One {@code -----BEGIN label-----} block. */
    private record Block(String label, byte[] der, boolean encryptedHeader) {
    }

    private static List<Block> parse(String text, String sourceName) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r");
        String label = null;
        boolean encryptedHeader = false;
        StringBuilder base64 = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----") && line.length() > 16) {
                    label = line.substring(11, line.length() - 5);
                    encryptedHeader = false;
                    base64.setLength(0);
                }
                continue;
            }
            if (line.equals("-----END " + label + "-----")) {
                byte[] der;
                try {
                    der = Base64.getDecoder().decode(base64.toString());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(sourceName + ": the " + label
                            + " block is not valid base64 (" + e.getMessage() + ")", e);
                }
                if (der.length == 0) {
                    throw new IllegalArgumentException(sourceName + ": the " + label + " block is empty");
                }
                blocks.add(new Block(label, der, encryptedHeader));
                label = null;
            } else if (line.startsWith("-----")) {
                throw new IllegalArgumentException(sourceName + ": line " + (i + 1) + " '" + line
                        + "' inside a " + label + " block (expected: -----END " + label + "-----)");
            } else if (line.indexOf(':') >= 0) {
                // RFC 1421 headers; OpenSSL's legacy encryption writes "Proc-Type: 4,ENCRYPTED"
                encryptedHeader |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new IllegalArgumentException(sourceName + ": -----BEGIN " + label
                    + "----- has no matching -----END " + label + "----- (file truncated?)");
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(sourceName + ": not a PEM file (no -----BEGIN ...----- line found)");
        }
        return blocks;
    }

    private static String foundLabels(List<Block> blocks) {
        Set<String> labels = new LinkedHashSet<>();
        blocks.forEach(b -> labels.add(b.label()));
        return labels.isEmpty() ? "" : " (found: " + String.join(", ", labels) + ")";
    }

    private static String readText(Path pem) {
        try {
            // PEM is ASCII; ISO-8859-1 never fails to decode, so binary junk reaches the PEM parser's message
            return new String(Files.readAllBytes(pem), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(pem + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(pem + ": permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(pem + ": cannot be read (" + e + ")", e);
        }
    }

    private static IllegalArgumentException encrypted(String sourceName) {
        return new IllegalArgumentException(sourceName + ": encrypted private keys are not supported"
                + " (decrypt it, e.g. openssl pkey -in key.pem -out plain-key.pem)");
    }

    private static CertificateFactory certificateFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 CertificateFactory", e);
        }
    }

    // ---- keys -----------------------------------------------------------------------------

    private static PrivateKey pkcs8(byte[] der, String sourceName) {
        String oid = pkcs8AlgorithmOid(der);
        String algorithm = oid == null ? null : KEY_FACTORY_BY_OID.get(oid);
        if (algorithm != null) {
            return generate(algorithm, der, sourceName);
        }
        // unknown or unreadable algorithm identifier: let the JDK's factories have a go
        for (String candidate : FALLBACK_KEY_FACTORIES) {
            try {
                return KeyFactory.getInstance(candidate).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next one
            }
        }
        throw new IllegalArgumentException(sourceName + ": unsupported PRIVATE KEY"
                + (oid == null ? "" : " algorithm " + oid) + " (expected: RSA, EC or Ed25519)");
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8, String sourceName) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(sourceName + ": invalid " + algorithm + " private key ("
                    + e.getMessage() + ")", e);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier SEQUENCE { OID, params }, OCTET STRING } */
    private static String pkcs8AlgorithmOid(byte[] der) {
        try {
            Der.Element info = Der.read(der, 0, der.length);
            Der.Element version = info.firstChild();
            Der.Element algorithm = version.next(info);
            if (info.tag() != Der.SEQUENCE || algorithm == null || algorithm.tag() != Der.SEQUENCE) {
                return null;
            }
            return Der.oidToString(algorithm.firstChild());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** PKCS#1 RSAPrivateKey wrapped as PKCS#8 with the rsaEncryption algorithm identifier. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        Der.Element outer = Der.read(pkcs1, 0, pkcs1.length);
        if (outer.tag() != Der.SEQUENCE) {
            throw new IllegalArgumentException("not a DER SEQUENCE");
        }
        return Der.sequence(
                Der.integer(0),
                Der.sequence(Der.oid(OID_RSA), Der.nullValue()),
                Der.octetString(pkcs1));
    }

    /**
     * SEC1 ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, parameters [0] OID OPTIONAL,
     * publicKey [1] BIT STRING OPTIONAL }, wrapped as PKCS#8 with id-ecPublicKey and the curve OID taken
     * from [0] (or from a preceding EC PARAMETERS block when [0] is absent).
     */
    static byte[] sec1ToPkcs8(byte[] sec1, String fallbackCurveOid, String sourceName) {
        Der.Element key = Der.read(sec1, 0, sec1.length);
        if (key.tag() != Der.SEQUENCE) {
            throw new IllegalArgumentException("not a DER SEQUENCE");
        }
        String curve = null;
        for (Der.Element e = key.firstChild(); e != null; e = e.next(key)) {
            if (e.tag() == Der.CONTEXT_0) {
                Der.Element parameters = e.firstChild();
                if (parameters.tag() != Der.OID) {
                    throw new IllegalArgumentException(sourceName
                            + ": EC PRIVATE KEY uses explicit curve parameters (expected: a named curve such as P-256)");
                }
                curve = Der.oidToString(parameters);
            }
        }
        if (curve == null) {
            curve = fallbackCurveOid;
        }
        if (curve == null) {
            throw new IllegalArgumentException(sourceName + ": EC PRIVATE KEY does not name its curve"
                    + " (no [0] parameters and no EC PARAMETERS block)");
        }
        return Der.sequence(
                Der.integer(0),
                Der.sequence(Der.oid(OID_EC), Der.oid(curve)),
                Der.octetString(sec1));
    }

    private static String curveFromEcParameters(byte[] der, String sourceName) {
        try {
            Der.Element e = Der.read(der, 0, der.length);
            return e.tag() == Der.OID ? Der.oidToString(e) : null;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(sourceName + ": malformed EC PARAMETERS (" + e.getMessage() + ")", e);
        }
    }
}
