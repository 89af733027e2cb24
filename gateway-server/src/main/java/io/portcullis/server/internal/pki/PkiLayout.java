package io.portcullis.server.internal.pki;

import java.nio.file.Path;

/**
 * Where the PKI keeps its files.
 *
 * <pre>
 * DIR/root.crt               root CA certificate (10 years)
 * DIR/intermediate.crt       intermediate CA certificate (5 years), signed by the root
 * DIR/intermediate.key       intermediate CA key (600): signs service certificates
 * DIR/ca.pem                 intermediate + root: the bundle verifiers trust
 * DIR/certs/NAME.crt         a service certificate
 * DIR/certs/NAME.chain.pem   the certificate followed by the intermediate: what a server or client presents
 * DIR/certs/NAME.key         its key (600)
 * ROOT_DIR/root.key          root CA key (600); ROOT_DIR is DIR/root unless given, meant to be moved offline
 * </pre>
 *
 * @param dir     the PKI directory
 * @param rootDir the directory of the root key
 */
public record PkiLayout(Path dir, Path rootDir) {
    /** The suffix of a service certificate file: {@code NAME.crt}. */
    static final String CERT_SUFFIX = ".crt";

    public PkiLayout {
        dir = dir.toAbsolutePath().normalize();
        rootDir = rootDir == null ? dir.resolve("root") : rootDir.toAbsolutePath().normalize();
    }

    public Path rootCertificate() {
        return dir.resolve("root.crt");
    }

    public Path rootKey() {
        return rootDir.resolve("root.key");
    }

    public Path intermediateCertificate() {
        return dir.resolve("intermediate.crt");
    }

    public Path intermediateKey() {
        return dir.resolve("intermediate.key");
    }

    public Path caBundle() {
        return dir.resolve("ca.pem");
    }

    public Path certs() {
        return dir.resolve("certs");
    }

    public Path certificate(String name) {
        return certs().resolve(name + CERT_SUFFIX);
    }

    public Path chain(String name) {
        return certs().resolve(name + ".chain.pem");
    }

    public Path key(String name) {
        return certs().resolve(name + ".key");
    }
}
