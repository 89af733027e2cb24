package io.portcullis.server.internal.cli;

import io.portcullis.server.internal.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis cert ...}. */
@Command(name = "cert", mixinStandardHelpOptions = true, description = "Certificate tools.",
        subcommands = CertCommand.SelfSigned.class)
final class CertCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (expected: self-signed)");
    }

    /** {@code portcullis cert self-signed}. */
    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = {"Write a self-signed ECDSA P-256 development certificate and its key (PEM).",
                    "Not for production: clients must be told to trust it."})
    static final class SelfSigned implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--cert", paramLabel = "FILE", defaultValue = "portcullis-dev.crt",
                description = "certificate file (default: ${DEFAULT-VALUE})")
        Path cert;

        @Option(names = "--key", paramLabel = "FILE", defaultValue = "portcullis-dev.key",
                description = "private key file, written with mode 600 (default: ${DEFAULT-VALUE})")
        Path key;

        @Option(names = "--name", paramLabel = "NAME", split = ",",
                description = "DNS names and IP addresses (default: localhost, 127.0.0.1, ::1)")
        List<String> names;

        @Option(names = "--days", defaultValue = "90", description = "validity in days, 1-825 (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--force", description = "overwrite existing files")
        boolean force;

        @Override
        public Integer call() {
            if (days < 1 || days > 825) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--days: " + days + " (expected: 1-825)");
            }
            if (!force && (Files.exists(cert) || Files.exists(key))) {
                spec.commandLine().getErr().println("portcullis: " + (Files.exists(cert) ? cert : key)
                        + " exists (use --force to overwrite)");
                return 1;
            }
            List<String> n = names == null || names.isEmpty() ? List.of("localhost", "127.0.0.1", "::1") : names;
            SelfSignedCertificate.write(cert, key, n, Duration.ofDays(days));
            var out = spec.commandLine().getOut();
            out.println("certificate: " + cert.toAbsolutePath());
            out.println("private key: " + key.toAbsolutePath());
            out.println("names:       " + String.join(", ", n));
            out.println("SHA-256:     " + SelfSignedCertificate.fingerprint(SelfSignedCertificate.read(cert)));
            return 0;
        }
    }
}
