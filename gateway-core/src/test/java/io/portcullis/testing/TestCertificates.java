package io.portcullis.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Throw-away PKI for tests: a self-signed CA that issues leaf certificates (or self-signed leaves)
 * for DNS names, with RSA-2048 or EC P-256 keys, written as PEM in the key formats servers meet in
 * practice. Uses BouncyCastle's builders with the JDK's crypto provider (nothing is registered
 * globally). RSA key generation takes a noticeable fraction of a second: prefer {@link KeyType#EC}.
 *
 * <pre>{@code
 * Authority ca = TestCertificates.ca("Test CA");
 * Issued leaf = ca.issue(KeyType.EC, "a.example.com", "*.b.example.com");
 * Path chain = leaf.writeChain(dir, "a");                 // dir/a.crt: leaf, then the CA
 * Path key = leaf.writeKey(dir, "a", KeyFormat.SEC1);     // dir/a.key
 * }</pre>
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Key algorithms. */
    public enum KeyType { RSA, EC }

    /** PEM encodings of a private key. */
    public enum KeyFormat {
        /** {@code PRIVATE KEY}: PKCS#8, any algorithm. */
        PKCS8,
        /** {@code RSA PRIVATE KEY}: PKCS#1, RSA only. */
        PKCS1,
        /** {@code EC PRIVATE KEY}: SEC1 with the named curve and public key, as OpenSSL writes it; EC only. */
        SEC1
    }

    private TestCertificates() {
    }

    /** A self-signed CA with an EC P-256 key, valid from an hour ago for a day. */
    public static Authority ca(String commonName) {
        KeyPair keys = generate(KeyType.EC);
        X500Name name = new X500Name("CN=" + commonName);
        X509Certificate cert = build(name, keys.getPublic().getEncoded(), keys, name, keys.getPrivate(),
                KeyType.EC, true, List.of(), Duration.ofDays(1));
        return new Authority(cert, keys.getPrivate());
    }

    /** A self-signed leaf for {@code dnsNames} (the first is also the CN). */
    public static Issued selfSigned(KeyType type, String... dnsNames) {
        KeyPair keys = generate(type);
        X500Name name = new X500Name("CN=" + dnsNames[0]);
        X509Certificate cert = build(name, keys.getPublic().getEncoded(), keys, name, keys.getPrivate(),
                type, false, List.of(dnsNames), Duration.ofDays(1));
        return new Issued(cert, keys.getPrivate(), List.of());
    }

    /** A CA: issues leaves and writes its own certificate as a trust bundle. */
    public static final class Authority {
        private final X509Certificate certificate;
        private final PrivateKey key;

        private Authority(X509Certificate certificate, PrivateKey key) {
            this.certificate = certificate;
            this.key = key;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey key() {
            return key;
        }

        /** A server certificate for {@code dnsNames} (subjectAltName; the first is also the CN), valid for a day. */
        public Issued issue(KeyType type, String... dnsNames) {
            return issue(type, Duration.ofDays(1), dnsNames);
        }

        /** Like {@link #issue(KeyType, String...)} with a chosen validity (from an hour ago). */
        public Issued issue(KeyType type, Duration validity, String... dnsNames) {
            return issue(type, validity, dnsNames[0], List.of(dnsNames));
        }

        /** A server certificate whose Authority Information Access names {@code ocspUrl} as its OCSP responder. */
        public Issued issueWithOcsp(KeyType type, String ocspUrl, String... dnsNames) {
            KeyPair keys = generate(type);
            X509Certificate cert = build(new X500Name("CN=" + dnsNames[0]), keys.getPublic().getEncoded(), keys,
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), key, KeyType.EC, false,
                    List.of(dnsNames), Duration.ofDays(1), ocspUrl);
            return new Issued(cert, keys.getPrivate(), List.of(certificate));
        }

        /** A server certificate with only a subject CN and no subjectAltName extension (legacy style). */
        public Issued issueCommonNameOnly(KeyType type, String commonName) {
            return issue(type, Duration.ofDays(1), commonName, List.of());
        }

        private Issued issue(KeyType type, Duration validity, String commonName, List<String> dnsNames) {
            KeyPair keys = generate(type);
            X509Certificate cert = build(new X500Name("CN=" + commonName), keys.getPublic().getEncoded(), keys,
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), key, KeyType.EC, false,
                    dnsNames, validity);
            return new Issued(cert, keys.getPrivate(), List.of(certificate));
        }

        /** Writes the CA certificate as PEM: to {@code target/ca.crt} if target is a directory, else to target. */
        public Path writeCaPem(Path target) {
            Path file = Files.isDirectory(target) ? target.resolve("ca.crt") : target;
            return writeAtomically(file, pem(new PemObject("CERTIFICATE", encoded(certificate))));
        }
    }

    /** An issued (or self-signed) certificate with its private key. */
    public static final class Issued {
        private final X509Certificate certificate;
        private final PrivateKey key;
        private final List<X509Certificate> issuers;

        private Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> issuers) {
            this.certificate = certificate;
            this.key = key;
            this.issuers = issuers;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey key() {
            return key;
        }

        /** The leaf followed by its issuer (empty tail when self-signed). */
        public List<X509Certificate> chain() {
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(issuers);
            return chain;
        }

        /** PEM text of {@link #chain()}. */
        public String chainPem() {
            PemObject[] objects = chain().stream().map(c -> new PemObject("CERTIFICATE", encoded(c)))
                    .toArray(PemObject[]::new);
            return pem(objects);
        }

        /** PEM text of the key in {@code format}. */
        public String keyPem(KeyFormat format) {
            return pem(keyObject(key, format));
        }

        /**
         * Writes {@link #chain()} to {@code dir/name.crt} (atomically: written aside, then renamed over
         * the old file, like a careful deployment) and returns the path.
         */
        public Path writeChain(Path dir, String name) {
            return writeAtomically(dir.resolve(name + ".crt"), chainPem());
        }

        /** Writes the key to {@code dir/name.key} in {@code format} (atomically) and returns the path. */
        public Path writeKey(Path dir, String name, KeyFormat format) {
            return writeAtomically(dir.resolve(name + ".key"), keyPem(format));
        }
    }

    // ---- internals ------------------------------------------------------------------------

    static KeyPair generate(KeyType type) {
        try {
            if (type == KeyType.RSA) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048, RANDOM);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(X500Name subject, byte[] subjectPublicKey, KeyPair subjectKeys,
                                         X500Name issuer, PrivateKey issuerKey, KeyType issuerType, boolean ca,
                                         List<String> dnsNames, Duration validity) {
        return build(subject, subjectPublicKey, subjectKeys, issuer, issuerKey, issuerType, ca, dnsNames, validity, null);
    }

    private static X509Certificate build(X500Name subject, byte[] subjectPublicKey, KeyPair subjectKeys,
                                         X500Name issuer, PrivateKey issuerKey, KeyType issuerType, boolean ca,
                                         List<String> dnsNames, Duration validity, String ocspUrl) {
        try {
            Instant notBefore = Instant.now().minus(Duration.ofHours(1));
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).setBit(63), Date.from(notBefore), Date.from(notBefore.plus(validity)),
                    subject, subjectKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(SubjectPublicKeyInfo.getInstance(subjectPublicKey)));
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                if (ocspUrl != null) {
                    builder.addExtension(Extension.authorityInfoAccess, false, new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
                            org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp,
                            new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
                }
                if (!dnsNames.isEmpty()) {
                    GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                            .toArray(GeneralName[]::new);
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
            }
            String algorithm = issuerType == KeyType.RSA ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build test certificate for " + subject, e);
        }
    }

    private static PemObject keyObject(PrivateKey key, KeyFormat format) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            switch (format) {
                case PKCS8:
                    return new PemObject("PRIVATE KEY", key.getEncoded());
                case PKCS1:
                    require(key.getAlgorithm().equals("RSA"), "PKCS#1 needs an RSA key");
                    return new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
                case SEC1:
                    require(key.getAlgorithm().equals("EC"), "SEC1 needs an EC key");
                    // the JDK's PKCS#8 encoding carries only the scalar; rebuild what OpenSSL writes:
                    // version 1, the scalar, [0] named curve and [1] the public point
                    ASN1ObjectIdentifier curve =
                            ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
                    BigInteger d = ((java.security.interfaces.ECPrivateKey) key).getS();
                    byte[] point = publicPoint(key);
                    return new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(
                            256, d, new DERBitString(point), curve).getEncoded());
                default:
                    throw new IllegalArgumentException(format.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uncompressed public point of an EC private key, computed by BouncyCastle's curve arithmetic. */
    private static byte[] publicPoint(PrivateKey key) {
        java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) key;
        org.bouncycastle.asn1.x9.X9ECParameters p = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("P-256");
        return p.getG().multiply(ec.getS()).normalize().getEncoded(false);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PemObject... objects) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            for (PemObject o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes next to the target and renames over it, so a watcher never sees a half-written file. */
    public static Path writeAtomically(Path file, String content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".tmp-", ".pem");
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
