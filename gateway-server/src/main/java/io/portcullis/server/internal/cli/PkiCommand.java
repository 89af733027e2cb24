package io.portcullis.server.internal.cli;

import io.portcullis.server.ExitCodes;
import io.portcullis.server.internal.SelfSignedCertificate;
import io.portcullis.server.internal.pki.InternalPki;
import io.portcullis.server.internal.pki.KeyAlgorithm;
import io.portcullis.server.internal.pki.PkiLayout;
import io.portcullis.server.internal.pki.SubjectNames;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x509.GeneralName;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis pki ...}: the internal PKI (offline root, online intermediate, service certificates). */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = {"Internal PKI: an offline root CA, an online intermediate CA and 90-day service certificates",
                "for mutual TLS between the gateway, its clients and its upstreams."},
        subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class, PkiCommand.Renew.class})
final class PkiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (expected: init, issue or renew)");
    }

    private static final String EXIT_HEADING = "%nExit codes:%n";

    /** {@code --dir}, shared by the subcommands. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "pki",
                description = "the PKI directory (default: ${DEFAULT-VALUE})")
        Path dir;
    }

    /** {@code portcullis pki init}. */
    @Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Create a root CA (10 years) and an intermediate CA (5 years) signed by it.",
                    "Writes DIR/root.crt, DIR/intermediate.crt, DIR/intermediate.key, DIR/ca.pem (the bundle",
                    "verifiers trust) and ROOT_DIR/root.key. Move ROOT_DIR offline afterwards: only 'init' needs it."},
            exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:CA created", "1:a CA exists already (without --force), or a file cannot be written",
                    "2:wrong command line"})
    static final class Init implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--root-dir", paramLabel = "DIR",
                description = "where the root key is written, to be moved offline (default: DIR/root)")
        Path rootDir;

        @Option(names = "--name", paramLabel = "ORG", defaultValue = "Portcullis Internal",
                description = "organization in the CA names: 'ORG Root CA', 'ORG Intermediate CA' (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
                description = "ec-p256 or rsa-3072 (default: ${DEFAULT-VALUE})")
        String keyType;

        @Option(names = "--force", description = "replace an existing CA (certificates it issued stop verifying)")
        boolean force;

        @Override
        public Integer call() {
            KeyAlgorithm alg = keyAlgorithm(spec, keyType);
            if (name.isBlank() || name.length() > 64) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--name: '" + name + "' (expected: 1-64 characters)");
            }
            InternalPki pki = new InternalPki(new PkiLayout(dir.dir, rootDir), Clock.systemUTC());
            InternalPki.Initialized r = pki.init(name.strip(), alg, force);
            PrintWriter out = spec.commandLine().getOut();
            PkiLayout l = pki.layout();
            describe(out, "root CA:         ", r.root());
            describe(out, "intermediate CA: ", r.intermediate());
            out.println("written:");
            for (Path p : r.files()) {
                out.println("  " + p);
            }
            out.println("Move " + l.rootDir() + " (the root key) to offline storage now; 'pki issue' and 'pki renew'");
            out.println("need only the intermediate. Verifiers trust " + l.caBundle() + ".");
            return 0;
        }
    }

    /** {@code portcullis pki issue NAME}. */
    @Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Issue a certificate for NAME signed by the intermediate CA, with a new key.",
                    "Writes DIR/certs/NAME.crt, NAME.chain.pem (certificate + intermediate: what to present) and",
                    "NAME.key (mode 600). NAME is the subject CN, and a DNS (or IP) subject alternative name when",
                    "it looks like one."},
            exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:certificate issued", "1:no CA in DIR, NAME exists (without --force), or a file cannot be written",
                    "2:wrong command line (bad NAME, --san or --days)"})
    static final class Issue implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the certificate's name, e.g. api.internal")
        String name;

        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--san", paramLabel = "SAN",
                description = "another subject alternative name: DNS:host, IP:address or URI:uri (repeatable)")
        List<String> sans = new ArrayList<>();

        @Option(names = "--days", defaultValue = "" + InternalPki.DEFAULT_DAYS,
                description = "validity in days, 1-" + InternalPki.MAX_DAYS + " (default: ${DEFAULT-VALUE})")
        int days;

        @ArgGroup(exclusive = true)
        UsageOption usage;

        @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
                description = "ec-p256 or rsa-3072 (default: ${DEFAULT-VALUE})")
        String keyType;

        @Option(names = "--force", description = "replace an existing certificate of that name")
        boolean force;

        // For tests and drills (an expired certificate, one due for renewal): ISO-8601 instants.
        @Option(names = "--not-before", hidden = true, paramLabel = "INSTANT")
        String notBefore;

        @Option(names = "--not-after", hidden = true, paramLabel = "INSTANT")
        String notAfter;

        static final class UsageOption {
            @Option(names = "--server", description = "for TLS servers only (extended key usage serverAuth)")
            boolean server;
            @Option(names = "--client", description = "for TLS clients only (clientAuth)")
            boolean client;
            @Option(names = "--both", description = "for both (serverAuth and clientAuth): the default")
            boolean both;

            InternalPki.Usage value() {
                return server ? InternalPki.Usage.SERVER : client ? InternalPki.Usage.CLIENT : InternalPki.Usage.BOTH;
            }
        }

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            if (days < 1 || days > InternalPki.MAX_DAYS) {
                throw new CommandLine.ParameterException(cl, "--days: " + days + " (expected: 1-" + InternalPki.MAX_DAYS + ")");
            }
            if (!SubjectNames.isValidName(name)) {
                throw new CommandLine.ParameterException(cl, "NAME: '" + name
                        + "' (expected: letters, digits, '.', '-' and '_', such as api.internal)");
            }
            List<GeneralName> names = new ArrayList<>();
            for (String s : sans) {
                try {
                    names.add(SubjectNames.parseSan(s));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cl, "--san: " + e.getMessage());
                }
            }
            KeyAlgorithm alg = keyAlgorithm(spec, keyType);
            InternalPki pki = new InternalPki(new PkiLayout(dir.dir, null), Clock.systemUTC());
            InternalPki.Issued issued;
            try {
                issued = pki.issue(name, names, usage == null ? InternalPki.Usage.BOTH : usage.value(), alg, days,
                        instant(cl, "--not-before", notBefore), instant(cl, "--not-after", notAfter), force);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            PrintWriter out = cl.getOut();
            describe(out, "issued:      ", issued.certificate());
            out.println("certificate: " + issued.certificateFile());
            out.println("chain:       " + issued.chainFile());
            out.println("private key: " + issued.keyFile());
            out.println("CA bundle:   " + pki.layout().caBundle());
            return 0;
        }
    }

    /** {@code portcullis pki renew [NAME...]}. */
    @Command(name = "renew", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Re-issue certificates with less than a third of their lifetime left (30 of 90 days), expired",
                    "ones, and ones the current intermediate did not sign; all with --force. Names, SANs, key usages,",
                    "key type and lifetime are kept; the key is new. Files are replaced atomically, so a running",
                    "gateway picks the new pair up. Run it daily (systemd timer or cron)."},
            exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:every certificate renewed or not yet due",
                    "1:no CA in DIR, an unknown NAME, or a certificate that could not be read or renewed (the others still are)",
                    "2:wrong command line"})
    static final class Renew implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "0..*", description = "certificates to look at (default: all in DIR/certs)")
        List<String> names = new ArrayList<>();

        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--force", description = "renew even certificates that are not due")
        boolean force;

        @Override
        public Integer call() {
            InternalPki pki = new InternalPki(new PkiLayout(dir.dir, null), Clock.systemUTC());
            List<InternalPki.Renewal> all = pki.renew(names, force);
            PrintWriter out = spec.commandLine().getOut();
            int renewed = 0;
            int failed = 0;
            for (InternalPki.Renewal r : all) {
                if (r.failed()) {
                    failed++;
                    spec.commandLine().getErr().println("portcullis: failed " + r.name() + ": " + r.reason());
                } else if (r.renewed() != null) {
                    renewed++;
                    out.println("renewed " + r.name() + " (" + r.reason() + "): now valid until "
                            + r.renewed().certificate().getNotAfter().toInstant());
                } else {
                    out.println("skipped " + r.name() + " (" + r.reason() + ")");
                }
            }
            out.println(renewed + " renewed, " + (all.size() - renewed - failed) + " skipped"
                    + (failed > 0 ? ", " + failed + " failed" : ""));
            return failed > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
        }
    }

    private static KeyAlgorithm keyAlgorithm(CommandLine.Model.CommandSpec spec, String s) {
        try {
            return KeyAlgorithm.parse(s);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--key-type: " + e.getMessage());
        }
    }

    private static Instant instant(CommandLine cl, String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cl, option + ": '" + value + "' (expected: e.g. 2026-01-31T12:00:00Z)");
        }
    }

    private static void describe(PrintWriter out, String label, X509Certificate c) {
        out.println(label + c.getSubjectX500Principal().getName() + ", valid until " + c.getNotAfter().toInstant()
                + ", SHA-256 " + SelfSignedCertificate.fingerprint(c));
    }
}
