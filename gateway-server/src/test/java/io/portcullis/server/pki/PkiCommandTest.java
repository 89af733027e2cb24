package io.portcullis.server.pki;

import static io.portcullis.server.pki.Pki.cert;
import static io.portcullis.server.pki.Pki.ok;
import static io.portcullis.server.pki.Pki.openssl;
import static io.portcullis.server.pki.Pki.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.internal.tls.PemFiles;
import io.portcullis.server.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis pki init|issue|renew}: the files, the certificates' contents, openssl's verdict, renewal and refusals. */
class PkiCommandTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path tmp;

    @Test
    void init_makesAnOfflineRootAndAnIntermediate_withCaExtensions_andRefusesToOverwrite() throws Exception {
        Path dir = tmp.resolve("pki");
        Path offline = tmp.resolve("offline");
        Pki.Run r = ok("pki", "init", "--dir", dir.toString(), "--root-dir", offline.toString(), "--name", "Acme, Inc.");
        assertThat(r.out()).contains("Move " + offline.toAbsolutePath());

        assertThat(perms(dir)).isEqualTo("rwx------");
        assertThat(perms(offline)).isEqualTo("rwx------");
        assertThat(perms(offline.resolve("root.key"))).isEqualTo("rw-------");
        assertThat(perms(dir.resolve("intermediate.key"))).isEqualTo("rw-------");
        assertThat(dir.resolve("root")).doesNotExist();
        assertThat(dir.resolve("root.key")).doesNotExist();

        X509Certificate root = cert(dir.resolve("root.crt"));
        X509Certificate intermediate = cert(dir.resolve("intermediate.crt"));
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Acme\\, Inc. Root CA,O=Acme\\, Inc.");
        assertThat(intermediate.getSubjectX500Principal().getName()).isEqualTo("CN=Acme\\, Inc. Intermediate CA,O=Acme\\, Inc.");
        assertThat(intermediate.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(root.getBasicConstraints()).isEqualTo(1);
        assertThat(intermediate.getBasicConstraints()).as("pathLen 0").isZero();
        for (X509Certificate ca : List.of(root, intermediate)) {
            assertThat(ca.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
            boolean[] ku = ca.getKeyUsage();
            assertThat(ku[5]).as("keyCertSign").isTrue();
            assertThat(ku[6]).as("cRLSign").isTrue();
            assertThat(ku[0]).as("digitalSignature").isFalse();
        }
        assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()).toDays()).isBetween(3652L, 3654L);
        assertThat(Duration.between(intermediate.getNotBefore().toInstant(), intermediate.getNotAfter().toInstant()).toDays())
                .isBetween(1826L, 1828L);
        assertThat(aki(intermediate)).isEqualTo(ski(root));
        intermediate.verify(root.getPublicKey());
        assertThat(PemFiles.readCertificates(dir.resolve("ca.pem"))).containsExactly(intermediate, root);

        Pki.Run again = run("pki", "init", "--dir", dir.toString(), "--root-dir", offline.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("a CA already exists").contains("--force");
        assertThat(cert(dir.resolve("root.crt"))).as("untouched").isEqualTo(root);
        // the root key moved offline still counts: the public part is enough to refuse
        assertThat(run("pki", "init", "--dir", dir.toString()).code()).isEqualTo(ExitCodes.FAILURE);

        ok("pki", "init", "--dir", dir.toString(), "--root-dir", offline.toString(), "--force", "--key-type", "rsa-3072");
        X509Certificate rsaRoot = cert(dir.resolve("root.crt"));
        assertThat(rsaRoot).isNotEqualTo(root);
        assertThat(rsaRoot.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(rsaRoot.getSigAlgName()).isEqualTo("SHA256withRSA");
    }

    @Test
    void issue_chainVerifiesWithOpenssl_withTheChosenUsage() throws Exception {
        Path dir = tmp.resolve("pki");
        ok("pki", "init", "--dir", dir.toString());
        Pki.Run r = ok("pki", "issue", "api.internal", "--dir", dir.toString(), "--san", "IP:10.0.0.7", "--san", "DNS:api",
                "--server");
        assertThat(r.out()).contains("CN=api.internal").contains(dir.resolve("certs/api.internal.chain.pem").toAbsolutePath().toString());
        Path certs = dir.resolve("certs");
        assertThat(perms(certs)).isEqualTo("rwx------");
        assertThat(perms(certs.resolve("api.internal.key"))).isEqualTo("rw-------");

        X509Certificate leaf = cert(certs.resolve("api.internal.crt"));
        X509Certificate intermediate = cert(dir.resolve("intermediate.crt"));
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=api.internal");
        assertThat(leaf.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .containsExactly("api.internal", "10.0.0.7", "api");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(leaf.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays()).isBetween(89L, 90L);
        assertThat(aki(leaf)).isEqualTo(ski(intermediate));
        assertThat(PemFiles.readCertificates(certs.resolve("api.internal.chain.pem"))).containsExactly(leaf, intermediate);

        String root = dir.resolve("root.crt").toString();
        String inter = dir.resolve("intermediate.crt").toString();
        Pki.OpenSsl v = openssl("-CAfile", root, "-untrusted", inter, "-purpose", "sslserver", certs.resolve("api.internal.crt").toString());
        assertThat(v.code()).as(v.output()).isZero();
        assertThat(v.output()).contains(": OK");
        assertThat(openssl("-CAfile", dir.resolve("ca.pem").toString(), certs.resolve("api.internal.crt").toString()).code())
                .as("ca.pem alone verifies").isZero();
        assertThat(openssl("-CAfile", root, "-untrusted", inter, "-purpose", "sslclient",
                certs.resolve("api.internal.crt").toString()).code()).as("a server-only certificate is no client certificate").isNotZero();
        assertThat(openssl("-CAfile", root, certs.resolve("api.internal.crt").toString()).code())
                .as("without the intermediate there is no path to the root").isNotZero();

        ok("pki", "issue", "svc_worker", "--dir", dir.toString(), "--client", "--key-type", "rsa-3072");
        X509Certificate client = cert(certs.resolve("svc_worker.crt"));
        assertThat(client.getSubjectAlternativeNames()).as("svc_worker is no DNS name").isNull();
        assertThat(client.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(client.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(openssl("-CAfile", root, "-untrusted", inter, "-purpose", "sslclient",
                certs.resolve("svc_worker.crt").toString()).code()).isZero();

        ok("pki", "issue", "both.internal", "--dir", dir.toString());
        assertThat(cert(certs.resolve("both.internal.crt")).getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);

        Path other = tmp.resolve("other");
        ok("pki", "init", "--dir", other.toString());
        assertThat(openssl("-CAfile", other.resolve("root.crt").toString(), "-untrusted", other.resolve("intermediate.crt").toString(),
                certs.resolve("api.internal.crt").toString()).code()).as("another CA's root").isNotZero();
    }

    @Test
    void issue_refusesBadInput_andOverwriting() {
        Path dir = tmp.resolve("pki");
        Pki.Run noCa = run("pki", "issue", "a.internal", "--dir", dir.toString());
        assertThat(noCa.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noCa.err()).contains("no intermediate CA in").contains("pki init");

        ok("pki", "init", "--dir", dir.toString());
        assertThat(run("pki", "issue", "../etc/passwd", "--dir", dir.toString()).code()).isEqualTo(ExitCodes.USAGE);
        Pki.Run badSan = run("pki", "issue", "a.internal", "--dir", dir.toString(), "--san", "IP:10.0.0.300");
        assertThat(badSan.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSan.err()).contains("--san: 'IP:10.0.0.300': not an IP address");
        assertThat(run("pki", "issue", "a.internal", "--dir", dir.toString(), "--days", "0").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("pki", "issue", "a.internal", "--dir", dir.toString(), "--client", "--server").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("pki", "issue", "a.internal", "--dir", dir.toString(), "--key-type", "dsa").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("pki").code()).isEqualTo(ExitCodes.USAGE);

        ok("pki", "issue", "a.internal", "--dir", dir.toString());
        X509Certificate first = cert(dir.resolve("certs/a.internal.crt"));
        Pki.Run again = run("pki", "issue", "a.internal", "--dir", dir.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("exists").contains("pki renew a.internal");
        assertThat(cert(dir.resolve("certs/a.internal.crt"))).isEqualTo(first);
        ok("pki", "issue", "a.internal", "--dir", dir.toString(), "--force");
        assertThat(cert(dir.resolve("certs/a.internal.crt"))).isNotEqualTo(first);

        assertThat(run("pki", "issue", "--help").out()).contains("--san", "--days", "--client", "--server", "--both", "Exit codes:")
                .doesNotContain("--not-after");
        assertThat(run("pki", "renew", "--help").out()).contains("--force", "Exit codes:");
        assertThat(run("pki", "init", "--help").out()).contains("--root-dir", "--key-type", "Exit codes:");
    }

    @Test
    void renew_skipsFreshCertificates_renewsDueExpiredAndForcedOnes_keepingNamesAndUsage() throws Exception {
        Path dir = tmp.resolve("pki");
        String d = dir.toString();
        ok("pki", "init", "--dir", d);
        Instant now = Instant.now();
        ok("pki", "issue", "fresh.internal", "--dir", d);
        ok("pki", "issue", "due.internal", "--dir", d, "--san", "IP:10.1.2.3", "--client", "--key-type", "rsa-3072",
                "--not-before", now.minus(Duration.ofDays(70)).toString(), "--not-after", now.plus(Duration.ofDays(20)).toString());
        ok("pki", "issue", "gone.internal", "--dir", d, "--server",
                "--not-before", now.minus(Duration.ofDays(100)).toString(), "--not-after", now.minus(Duration.ofDays(10)).toString());
        X509Certificate fresh = cert(dir.resolve("certs/fresh.internal.crt"));
        X509Certificate due = cert(dir.resolve("certs/due.internal.crt"));
        String dueKey = Files.readString(dir.resolve("certs/due.internal.key"));

        // access granted by an administrator survives a renewal; others never get to read a key
        Files.setPosixFilePermissions(dir.resolve("certs/due.internal.key"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(dir.resolve("certs/gone.internal.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir.resolve("certs/gone.internal.chain.pem"), PosixFilePermissions.fromString("rw-r-----"));

        Pki.Run r = ok("pki", "renew", "--dir", d);
        assertThat(r.out()).contains("renewed due.internal (20 days left of 90 days, below a third)")
                .contains("renewed gone.internal (expired 10 days ago)")
                .contains("skipped fresh.internal (").contains("1 skipped");
        assertThat(cert(dir.resolve("certs/fresh.internal.crt"))).isEqualTo(fresh);

        X509Certificate renewed = cert(dir.resolve("certs/due.internal.crt"));
        assertThat(renewed.getSerialNumber()).isNotEqualTo(due.getSerialNumber());
        assertThat(renewed.getSubjectX500Principal()).isEqualTo(due.getSubjectX500Principal());
        assertThat(List.copyOf(renewed.getSubjectAlternativeNames())).isEqualTo(List.copyOf(due.getSubjectAlternativeNames()));
        assertThat(renewed.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(renewed.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(renewed.getPublicKey()).isNotEqualTo(due.getPublicKey());
        assertThat(Files.readString(dir.resolve("certs/due.internal.key"))).isNotEqualTo(dueKey);
        assertThat(Duration.between(Instant.now(), renewed.getNotAfter().toInstant()).toDays()).isBetween(89L, 90L);
        assertThat(perms(dir.resolve("certs/due.internal.key"))).isEqualTo("rw-r-----");
        assertThat(perms(dir.resolve("certs/gone.internal.key"))).isEqualTo("rw-r-----");
        assertThat(perms(dir.resolve("certs/gone.internal.chain.pem"))).isEqualTo("rw-r-----");
        assertThat(perms(dir.resolve("certs/due.internal.crt"))).isEqualTo("rw-r--r--");
        assertThat(PemFiles.readCertificates(dir.resolve("certs/due.internal.chain.pem")).get(0)).isEqualTo(renewed);
        assertThat(openssl("-CAfile", dir.resolve("root.crt").toString(), "-untrusted", dir.resolve("intermediate.crt").toString(),
                dir.resolve("certs/gone.internal.crt").toString()).code()).as("the expired one was renewed").isZero();
        try (var files = Files.list(dir.resolve("certs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary files left")
                    .allMatch(f -> f.endsWith(".crt") || f.endsWith(".key") || f.endsWith(".chain.pem"));
        }

        Pki.Run forced = ok("pki", "renew", "--dir", d, "fresh.internal", "--force");
        assertThat(forced.out()).contains("renewed fresh.internal (forced").contains("1 renewed, 0 skipped");
        assertThat(cert(dir.resolve("certs/fresh.internal.crt")).getSerialNumber()).isNotEqualTo(fresh.getSerialNumber());

        Files.writeString(dir.resolve("certs/broken.crt"), "not a certificate");
        Pki.Run partly = run("pki", "renew", "--dir", d, "--force");
        assertThat(partly.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(partly.err()).contains("failed broken: ").contains("broken.crt");
        assertThat(partly.out()).contains("renewed fresh.internal").contains("3 renewed, 0 skipped, 1 failed");
        Files.delete(dir.resolve("certs/broken.crt"));

        Pki.Run unknown = run("pki", "renew", "--dir", d, "nope.internal");
        assertThat(unknown.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(unknown.err()).contains("no certificate named 'nope.internal'");

        // a new CA: everything the old intermediate signed is renewed by the new one
        ok("pki", "init", "--dir", d, "--force");
        Pki.Run afterNewCa = ok("pki", "renew", "--dir", d);
        assertThat(afterNewCa.out()).contains("renewed fresh.internal (not issued by the current intermediate CA").contains("0 skipped");
    }

    @Test
    void theConfigurationShownInServerMd_validatesWithCertificatesFromTheCli() throws Exception {
        String doc = Files.readString(Path.of("../docs/server.md"));
        int at = doc.indexOf("```yaml", doc.indexOf("Using the certificates"));
        assertThat(at).as("docs/server.md: the Internal PKI example").isPositive();
        Path dir = tmp.resolve("pki");
        String yaml = doc.substring(doc.indexOf('\n', at) + 1, doc.indexOf("```", at + 7)).replace("/etc/portcullis/pki", dir.toString());
        ok("pki", "init", "--dir", dir.toString());
        ok("pki", "issue", "api.example.internal", "--dir", dir.toString(), "--server");
        ok("pki", "issue", "gateway.internal", "--dir", dir.toString(), "--client");
        Path file = tmp.resolve("portcullis.yaml");
        Files.writeString(file, yaml);
        Pki.Run v = run("validate", file.toString());
        assertThat(v.code()).as(v.err()).isZero();
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static byte[] ski(X509Certificate c) {
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue(Extension.subjectKeyIdentifier.getId()))
                .getOctets()).getKeyIdentifier();
    }

    private static byte[] aki(X509Certificate c) {
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                .getOctets()).getKeyIdentifierOctets();
    }
}
