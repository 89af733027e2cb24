package io.portcullis.server.internal.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * The internal PKI of one directory (see {@link PkiLayout}): {@link #init} makes the root and the
 * intermediate CA, {@link #issue} signs service certificates with the intermediate, {@link #renew}
 * re-issues them with fresh keys when a third of their lifetime remains. The root key is only
 * needed by {@code init}.
 */
public final class InternalPki {
    /** Root CA lifetime: 10 years. */
    public static final Duration ROOT_VALIDITY = Duration.ofDays(3653);
    /** Intermediate CA lifetime: 5 years. */
    public static final Duration INTERMEDIATE_VALIDITY = Duration.ofDays(1827);
    /** Service certificate lifetime unless asked otherwise: 90 days. */
    public static final int DEFAULT_DAYS = 90;
    /** Longest service certificate lifetime accepted. */
    public static final int MAX_DAYS = 825;
    /** notBefore is set this far in the past so a peer whose clock is a little behind accepts a new certificate. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** What an issued certificate may be used for (its extended key usage). */
    public enum Usage {
        SERVER(List.of(KeyPurposeId.id_kp_serverAuth)),
        CLIENT(List.of(KeyPurposeId.id_kp_clientAuth)),
        BOTH(List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth));

        final List<KeyPurposeId> purposes;

        Usage(List<KeyPurposeId> purposes) {
            this.purposes = purposes;
        }
    }

    /** The CA certificates made by {@link #init} and the files written. */
    public record Initialized(X509Certificate root, X509Certificate intermediate, List<Path> files) {
    }

    /** A certificate issued or renewed, and its files. */
    public record Issued(String name, X509Certificate certificate, Path certificateFile, Path chainFile, Path keyFile) {
    }

    /**
     * One certificate looked at by {@link #renew}.
     *
     * @param before  the certificate found, or null if it could not be read
     * @param renewed the new one, or null if it was skipped or failed
     * @param reason  why it was renewed or skipped, or what failed
     * @param failed  whether it could not be looked at or renewed
     */
    public record Renewal(String name, X509Certificate before, Issued renewed, String reason, boolean failed) {
    }

    private final PkiLayout layout;
    private final Clock clock;

    public InternalPki(PkiLayout layout, Clock clock) {
        this.layout = layout;
        this.clock = clock;
    }

    public PkiLayout layout() {
        return layout;
    }

    /**
     * Makes a root CA (its key in {@link PkiLayout#rootKey()}) and an intermediate CA signed by it.
     *
     * @param organization the O of both CA subjects, and the start of their CNs
     * @param force        replace an existing CA (every certificate it issued stops verifying against the new one)
     * @throws PkiException if a CA exists and {@code force} is false
     */
    public Initialized init(String organization, KeyAlgorithm keyAlgorithm, boolean force) {
        List<Path> existing = Stream.of(layout.rootCertificate(), layout.rootKey(), layout.intermediateCertificate(),
                layout.intermediateKey()).filter(Files::exists).toList();
        if (!existing.isEmpty() && !force) {
            throw new PkiException("a CA already exists (" + existing.get(0) + "); use --force to replace it"
                    + " (certificates it issued will no longer verify against the new one)");
        }
        Instant now = clock.instant();
        KeyPair rootKeys = keyAlgorithm.generate();
        CertificateIssuer root = CertificateIssuer.selfSignedRoot(rootKeys, caName(organization, "Root CA"),
                now.minus(BACKDATE), now.plus(ROOT_VALIDITY));
        KeyPair intermediateKeys = keyAlgorithm.generate();
        X509Certificate intermediate = root.issueIntermediate(intermediateKeys.getPublic(),
                caName(organization, "Intermediate CA"), now.minus(BACKDATE), now.plus(INTERMEDIATE_VALIDITY));

        PemFiles.createPrivateDirectory(layout.dir());
        PemFiles.createPrivateDirectory(layout.rootDir());
        PemFiles.writePrivateKey(layout.rootKey(), rootKeys.getPrivate());
        PemFiles.writeCertificates(layout.rootCertificate(), List.of(root.certificate()));
        PemFiles.writePrivateKey(layout.intermediateKey(), intermediateKeys.getPrivate());
        PemFiles.writeCertificates(layout.intermediateCertificate(), List.of(intermediate));
        PemFiles.writeCertificates(layout.caBundle(), List.of(intermediate, root.certificate()));
        return new Initialized(root.certificate(), intermediate, List.of(layout.rootCertificate(), layout.rootKey(),
                layout.intermediateCertificate(), layout.intermediateKey(), layout.caBundle()));
    }

    /**
     * Issues a certificate for {@code name} (its CN) signed by the intermediate. {@code name} is also a
     * DNS subject alternative name when it looks like a host name (an IP address when it is one).
     *
     * @param sans      further subject alternative names
     * @param notBefore start of validity; null: now (less a small allowance for clock skew)
     * @param notAfter  end of validity; null: {@code days} from now. Never past the intermediate's.
     * @param force     replace an existing certificate of that name
     */
    public Issued issue(String name, List<GeneralName> sans, Usage usage, KeyAlgorithm keyAlgorithm, int days,
                        Instant notBefore, Instant notAfter, boolean force) {
        if (!SubjectNames.isValidName(name)) {
            throw new IllegalArgumentException("'" + name + "' (expected: letters, digits, '.', '-', '_', such as api.internal)");
        }
        if (!force && Files.exists(layout.certificate(name))) {
            throw new PkiException(layout.certificate(name) + " exists (use 'pki renew " + name
                    + "' for a new one with the same names, or --force to replace it)");
        }
        Instant now = clock.instant();
        Instant start = notBefore != null ? notBefore : now.minus(BACKDATE);
        Instant end = notAfter != null ? notAfter : now.plus(Duration.ofDays(days));
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("the certificate would end (" + end + ") before it starts (" + start + ")");
        }
        Set<GeneralName> names = new LinkedHashSet<>();
        byte[] ip = SubjectNames.ipAddress(name);
        if (ip != null) {
            names.add(new GeneralName(GeneralName.iPAddress, name));
        } else if (SubjectNames.isDnsName(name, false)) {
            names.add(new GeneralName(GeneralName.dNSName, name.toLowerCase(Locale.ROOT)));
        }
        names.addAll(sans);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
        return write(intermediate(), name, subject, names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new)),
                usage.purposes, keyAlgorithm, start, end);
    }

    /**
     * Re-issues the named certificates (all in {@link PkiLayout#certs()} when {@code names} is empty)
     * that are due: less than a third of their lifetime left, expired, or not signed by the current
     * intermediate; every one with {@code force}. A renewed certificate keeps its subject, subject
     * alternative names, extended key usages, key type and lifetime, with a fresh key. A certificate
     * that cannot be read or renewed is reported as failed; the others are still handled.
     *
     * @throws PkiException if a named certificate does not exist, or there is no usable intermediate
     */
    public List<Renewal> renew(List<String> names, boolean force) {
        List<String> targets = names.isEmpty() ? issuedNames() : names;
        for (String n : targets) {
            if (!SubjectNames.isValidName(n) || !Files.exists(layout.certificate(n))) {
                throw new PkiException("no certificate named '" + n + "' in " + layout.certs()
                        + " (issue it with 'pki issue " + n + "')");
            }
        }
        CertificateIssuer ca = intermediate();
        Instant now = clock.instant();
        List<Renewal> out = new ArrayList<>();
        for (String n : targets) {
            try {
                out.add(renew(n, ca, now, force));
            } catch (RuntimeException e) { // one unreadable file must not hold up the others
                out.add(new Renewal(n, null, null, e.getMessage() == null ? e.toString() : e.getMessage(), true));
            }
        }
        return out;
    }

    private Renewal renew(String n, CertificateIssuer ca, Instant now, boolean force) {
        X509Certificate old = PemFiles.readCertificate(layout.certificate(n));
        Duration lifetime = Duration.between(old.getNotBefore().toInstant(), old.getNotAfter().toInstant());
        Duration left = Duration.between(now, old.getNotAfter().toInstant());
        String state = left.isNegative() ? "expired " + days(left.negated()) + " ago"
                : days(left) + " left of " + days(lifetime);
        String reason;
        if (force) {
            reason = "forced, " + state;
        } else if (!signedBy(old, ca.certificate())) {
            reason = "not issued by the current intermediate CA, " + state;
        } else if (left.compareTo(lifetime.dividedBy(3)) < 0) {
            reason = left.isNegative() ? state : state + ", below a third";
        } else {
            return new Renewal(n, old, null, state + ", due in " + days(left.minus(lifetime.dividedBy(3))), false);
        }
        try {
            JcaX509CertificateHolder h = new JcaX509CertificateHolder(old);
            ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(h.getExtensions());
            List<KeyPurposeId> usages = eku == null ? List.of() : Stream.of(eku.getUsages()).toList();
            GeneralNames sans = GeneralNames.fromExtensions(h.getExtensions(), Extension.subjectAlternativeName);
            Issued issued = write(ca, n, h.getSubject(), sans, usages, KeyAlgorithm.of(old.getPublicKey()),
                    now.minus(BACKDATE), now.minus(BACKDATE).plus(lifetime));
            return new Renewal(n, old, issued, reason, false);
        } catch (CertificateEncodingException e) {
            throw new PkiException(layout.certificate(n) + ": cannot read the certificate: " + e.getMessage(), e);
        }
    }

    /** The names of the certificates in {@link PkiLayout#certs()}, sorted. */
    public List<String> issuedNames() {
        if (!Files.isDirectory(layout.certs())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(layout.certs())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(PkiLayout.CERT_SUFFIX))
                    .map(f -> f.substring(0, f.length() - PkiLayout.CERT_SUFFIX.length()))
                    .filter(SubjectNames::isValidName)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + layout.certs() + ": " + e.getMessage(), e);
        }
    }

    private Issued write(CertificateIssuer ca, String name, X500Name subject, GeneralNames sans, List<KeyPurposeId> usages,
                         KeyAlgorithm keyAlgorithm, Instant notBefore, Instant notAfter) {
        KeyPair keys = keyAlgorithm.generate();
        X509Certificate cert = ca.issueLeaf(keys.getPublic(), subject, sans, usages, notBefore, notAfter);
        PemFiles.createPrivateDirectory(layout.certs());
        if (!Files.exists(layout.caBundle())) {
            PemFiles.writeCertificates(layout.caBundle(), List.of(ca.certificate(),
                    PemFiles.readCertificate(layout.rootCertificate())));
        }
        // key first, then the chain: a watcher that reads between the two sees a mismatch, keeps the
        // old pair, and loads the new one when the chain file changes too
        PemFiles.writePrivateKey(layout.key(name), keys.getPrivate());
        PemFiles.writeCertificates(layout.chain(name), List.of(cert, ca.certificate()));
        PemFiles.writeCertificates(layout.certificate(name), List.of(cert));
        return new Issued(name, cert, layout.certificate(name), layout.chain(name), layout.key(name));
    }

    private CertificateIssuer intermediate() {
        Path cert = layout.intermediateCertificate();
        Path key = layout.intermediateKey();
        if (!Files.exists(cert) || !Files.exists(key)) {
            throw new PkiException("no intermediate CA in " + layout.dir() + " (missing " + (Files.exists(cert) ? key : cert)
                    + "; create one with 'pki init --dir " + layout.dir() + "')");
        }
        X509Certificate c = PemFiles.readCertificate(cert);
        PrivateKey k = PemFiles.readPrivateKey(key);
        if (!matches(k, c)) {
            throw new PkiException(key + " is not the key of " + cert);
        }
        if (c.getNotAfter().toInstant().isBefore(clock.instant())) {
            throw new PkiException("the intermediate CA " + cert + " expired on " + c.getNotAfter().toInstant()
                    + "; make a new CA with 'pki init --force'");
        }
        return new CertificateIssuer(c, k);
    }

    /** Whether {@code key} is the private half of the certificate's public key: a signature made with one verifies with the other. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        try {
            byte[] probe = "portcullis-pki".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(KeyAlgorithm.signatureAlgorithm(key));
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(KeyAlgorithm.signatureAlgorithm(key));
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
            return cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X500Name caName(String organization, String role) {
        // most significant first in the encoding, so it reads "CN=..., O=..." in RFC 4514 form
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organization)
                .addRDN(BCStyle.CN, organization + " " + role).build();
    }

    private static String days(Duration d) {
        long days = (d.toHours() + 12) / 24; // rounded: 19 days 23 hours reads "20 days"
        return days >= 1 ? days + (days == 1 ? " day" : " days") : d.toHours() + " h";
    }
}
