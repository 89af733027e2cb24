package io.portcullis.server.internal.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes the PKI's PEM files. Every write goes to a temporary file in the target's
 * directory that is then moved over the target atomically, so a reader (the gateway's certificate
 * watcher) sees the old file or the new one, never half of one. New private keys are mode 600,
 * other new files 644, directories made here 700, where the file system is POSIX; a replaced file
 * keeps its mode and group (a key never readable by others).
 */
final class PemFiles {
    private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private PemFiles() {
    }

    /** Creates {@code dir} (and missing parents) with mode 700 if it does not exist. */
    static void createPrivateDirectory(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (UnsupportedOperationException e) {
                Files.createDirectory(abs); // not POSIX: the file system's own access control applies
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw new UncheckedIOException(abs + " exists and is not a directory", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + abs + ": " + e.getMessage(), e);
        }
    }

    /** Writes the certificates as one PEM file (mode 644). */
    static void writeCertificates(Path target, List<X509Certificate> certificates) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (X509Certificate c : certificates) {
                w.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(target, sw.toString(), false);
    }

    /** Writes an unencrypted PKCS#8 private key (mode 600). */
    static void writePrivateKey(Path target, PrivateKey key) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(target, sw.toString(), true);
    }

    private static void write(Path target, String content, boolean secret) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                try {
                    // before any byte is written: a key is never readable by others, not even briefly
                    keepAccess(target, tmp, secret);
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory's access control applies
                }
                Files.writeString(tmp, content, StandardCharsets.US_ASCII);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives {@code tmp} the mode and group of the {@code target} it will replace (so a renewal keeps
     * the access an administrator granted, e.g. group read for the gateway's user), never access for
     * others to a key; a new file gets 600 (keys) or 644.
     */
    private static void keepAccess(Path target, Path tmp, boolean secret) throws IOException {
        PosixFileAttributes old;
        try {
            old = Files.readAttributes(target, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            old = null;
        }
        if (old == null) {
            Files.setPosixFilePermissions(tmp, secret ? SECRET : PUBLIC);
            return;
        }
        Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        mode.addAll(old.permissions());
        mode.add(PosixFilePermission.OWNER_READ);
        mode.add(PosixFilePermission.OWNER_WRITE);
        if (secret) {
            mode.removeAll(EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(tmp, secret ? SECRET : PUBLIC); // until the group is right
        PosixFileAttributes now = Files.readAttributes(tmp, PosixFileAttributes.class);
        if (!now.group().equals(old.group())) {
            try {
                Files.getFileAttributeView(tmp, PosixFileAttributeView.class).setGroup(old.group());
            } catch (IOException e) {
                throw new IOException("cannot keep the group " + old.group().getName() + " of " + target
                        + " (run as its owner, root or a member of that group): " + e.getMessage(), e);
            }
        }
        Files.setPosixFilePermissions(tmp, mode);
    }

    /** The certificates in a PEM file, in file order; fails naming the file if there are none. */
    static List<X509Certificate> readCertificates(Path file) {
        try (var in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> all =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (var c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + ": no certificate found");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    static X509Certificate readCertificate(Path file) {
        return readCertificates(file).get(0);
    }

    /** The private key in a PEM file (PKCS#8, or the traditional RSA/EC forms). */
    static PrivateKey readPrivateKey(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
            throw new IllegalArgumentException(file + ": no unencrypted private key found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
