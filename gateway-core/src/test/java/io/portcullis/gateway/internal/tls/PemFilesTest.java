package io.portcullis.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestCertificates.Authority;
import io.portcullis.testing.TestCertificates.Issued;
import io.portcullis.testing.TestCertificates.KeyFormat;
import io.portcullis.testing.TestCertificates.KeyType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    private static Authority ca;
    private static Issued rsa;
    private static Issued ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        ca = TestCertificates.ca("PemFiles Test CA");
        rsa = ca.issue(KeyType.RSA, "rsa.example.com");
        ec = ca.issue(KeyType.EC, "ec.example.com");
    }

    @Test
    void readCertificates_chain_returnsLeafThenIssuerInOrder() {
        List<X509Certificate> chain = PemFiles.readCertificates(ec.writeChain(dir, "ec"));

        assertThat(chain).containsExactly(ec.certificate(), ca.certificate());
    }

    @Test
    void readPrivateKey_rsaPkcs8_roundTrips() {
        assertRoundTrip(rsa, KeyFormat.PKCS8);
    }

    @Test
    void readPrivateKey_rsaPkcs1_roundTrips() {
        String pem = rsa.keyPem(KeyFormat.PKCS1);
        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertRoundTrip(rsa, KeyFormat.PKCS1);
    }

    @Test
    void readPrivateKey_ecPkcs8_roundTrips() {
        assertRoundTrip(ec, KeyFormat.PKCS8);
    }

    @Test
    void readPrivateKey_ecSec1_roundTrips() {
        String pem = ec.keyPem(KeyFormat.SEC1);
        assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertRoundTrip(ec, KeyFormat.SEC1);
    }

    @Test
    void readPrivateKey_sec1WithoutCurveAfterEcParameters_usesTheParametersBlock() throws Exception {
        // "openssl ecparam -genkey" style: an EC PARAMETERS block, here with a SEC1 key lacking [0]
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.key().getEncoded());
        ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
        byte[] bareSec1 = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) ec.key()).getS()).getEncoded();
        String pem = block("EC PARAMETERS", curve.getEncoded()) + block("EC PRIVATE KEY", bareSec1);

        PrivateKey key = PemFiles.readPrivateKey(pem, "params.pem");

        assertSameKey(key, ec.key());
    }

    @Test
    void readPrivateKey_sec1WithoutAnyCurve_isRejected() throws Exception {
        byte[] bareSec1 = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) ec.key()).getS()).getEncoded();

        assertThatThrownBy(() -> PemFiles.readPrivateKey(block("EC PRIVATE KEY", bareSec1), "bare.pem"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bare.pem").hasMessageContaining("curve");
    }

    @Test
    void readPrivateKey_keyAfterCertificateInOneFile_findsTheKey() {
        String combined = ec.chainPem() + ec.keyPem(KeyFormat.PKCS8);

        assertSameKey(PemFiles.readPrivateKey(combined, "combined.pem"), ec.key());
        assertThat(PemFiles.readCertificates(combined, "combined.pem")).hasSize(2);
    }

    @Test
    void checkKeyMatches_otherKey_isRejected() {
        Issued other = ca.issue(KeyType.EC, "other.example.com");

        assertThatThrownBy(() -> PemFiles.checkKeyMatches(ec.certificate(), other.key(), "other.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other.key")
                .hasMessageContaining("private key does not match certificate");
    }

    @Test
    void checkKeyMatches_rsaKeyForEcCertificate_isRejected() {
        assertThatThrownBy(() -> PemFiles.checkKeyMatches(ec.certificate(), rsa.key(), "rsa.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key does not match certificate");
    }

    @Test
    void checkKeyMatches_ownKeys_pass() {
        assertThatCode(() -> {
            PemFiles.checkKeyMatches(rsa.certificate(), rsa.key(), "rsa.key");
            PemFiles.checkKeyMatches(ec.certificate(), ec.key(), "ec.key");
        }).doesNotThrowAnyException();
    }

    @Test
    void readPrivateKey_encryptedPkcs8_isRejectedAsUnsupported() {
        String pem = block("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});

        assertThatThrownBy(() -> PemFiles.readPrivateKey(pem, "secret.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret.key")
                .hasMessageContaining("encrypted private keys are not supported");
    }

    @Test
    void readPrivateKey_legacyEncryptedPkcs1_isRejectedAsUnsupported() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";

        assertThatThrownBy(() -> PemFiles.readPrivateKey(pem, "legacy.key"))
                .hasMessageContaining("encrypted private keys are not supported");
    }

    @Test
    void readCertificates_garbageFile_isRejectedNamingTheFile() throws Exception {
        Path garbage = dir.resolve("garbage.crt");
        Files.write(garbage, new byte[] {0x30, (byte) 0x82, 0x01, 0x00, 0x7f, 0x00, (byte) 0xff});

        assertThatThrownBy(() -> PemFiles.readCertificates(garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(garbage.toString())
                .hasMessageContaining("not a PEM file");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(garbage))
                .hasMessageContaining("not a PEM file");
    }

    @Test
    void readCertificates_keyFileInstead_saysWhatWasFound() {
        assertThatThrownBy(() -> PemFiles.readCertificates(ec.keyPem(KeyFormat.PKCS8), "swapped.pem"))
                .hasMessageContaining("swapped.pem: no CERTIFICATE block found (found: PRIVATE KEY)");
    }

    @Test
    void readPrivateKey_certificateFileInstead_saysWhatWasFound() {
        assertThatThrownBy(() -> PemFiles.readPrivateKey(ec.chainPem(), "swapped.pem"))
                .hasMessageContaining("swapped.pem: no private key found (found: CERTIFICATE)");
    }

    @Test
    void readCertificates_corruptBase64_isRejected() {
        String pem = "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n";

        assertThatThrownBy(() -> PemFiles.readCertificates(pem, "bad.crt"))
                .hasMessageContaining("bad.crt: the CERTIFICATE block is not valid base64");
    }

    @Test
    void readCertificates_truncatedFile_isRejected() {
        String pem = ec.chainPem();
        String truncated = pem.substring(0, pem.length() - 40);

        assertThatThrownBy(() -> PemFiles.readCertificates(truncated, "cut.crt"))
                .hasMessageContaining("cut.crt").hasMessageContaining("no matching -----END CERTIFICATE-----");
    }

    @Test
    void readCertificates_validBase64ButNotACertificate_isRejected() {
        String pem = block("CERTIFICATE", "hello, world".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> PemFiles.readCertificates(pem, "hello.crt"))
                .hasMessageContaining("hello.crt: CERTIFICATE block #1 is not a valid X.509 certificate");
    }

    @Test
    void readPrivateKey_corruptKeyBytes_isRejected() {
        String pem = block("EC PRIVATE KEY", new byte[] {0x30, 0x05, 0x02, 0x01, 0x01});

        assertThatThrownBy(() -> PemFiles.readPrivateKey(pem, "broken.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("broken.key: ");
    }

    @Test
    void readCertificates_missingFile_saysFileNotFound() {
        Path missing = dir.resolve("nope.crt");

        assertThatThrownBy(() -> PemFiles.readCertificates(missing))
                .hasMessage(missing + ": file not found");
    }

    @Test
    void readPrivateKey_twoKeys_isRejected() {
        String pem = ec.keyPem(KeyFormat.PKCS8) + ec.keyPem(KeyFormat.SEC1);

        assertThatThrownBy(() -> PemFiles.readPrivateKey(pem, "two.key"))
                .hasMessageContaining("more than one private key");
    }

    @Test
    void der_oidRoundTrips() {
        for (String oid : List.of("1.2.840.10045.3.1.7", "1.3.132.0.34", "1.2.840.113549.1.1.1", "2.999.3")) {
            byte[] encoded = Der.oid(oid);
            assertThat(Der.oidToString(Der.read(encoded, 0, encoded.length))).isEqualTo(oid);
        }
    }

    private void assertRoundTrip(Issued issued, KeyFormat format) {
        Path keyFile = issued.writeKey(dir, "k-" + format, format);

        PrivateKey key = PemFiles.readPrivateKey(keyFile);

        assertThat(key.getAlgorithm()).isEqualTo(issued.key().getAlgorithm());
        assertSameKey(key, issued.key());
        PemFiles.checkKeyMatches(issued.certificate(), key, keyFile.toString());
    }

    /** Same key material; the encodings may differ (a SEC1 key keeps its curve and public point inside PKCS#8). */
    private static void assertSameKey(PrivateKey actual, PrivateKey expected) {
        if (expected instanceof java.security.interfaces.ECPrivateKey e) {
            java.security.interfaces.ECPrivateKey a = (java.security.interfaces.ECPrivateKey) actual;
            assertThat(a.getS()).isEqualTo(e.getS());
            assertThat(a.getParams().getOrder()).isEqualTo(e.getParams().getOrder());
        } else {
            java.security.interfaces.RSAPrivateKey e = (java.security.interfaces.RSAPrivateKey) expected;
            java.security.interfaces.RSAPrivateKey a = (java.security.interfaces.RSAPrivateKey) actual;
            assertThat(a.getModulus()).isEqualTo(e.getModulus());
            assertThat(a.getPrivateExponent()).isEqualTo(e.getPrivateExponent());
        }
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
