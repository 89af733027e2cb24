package io.portcullis.server.internal.cli;

import io.portcullis.server.ExitCodes;
import io.portcullis.server.config.ConfigError;
import io.portcullis.server.internal.Versions;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code portcullis} command. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, versionProvider = PortcullisCommand.VersionProvider.class,
        description = "Portcullis: a security gateway (TLS, HTTP/2, routing, policies) in one binary.",
        subcommands = {RunCommand.class, ValidateCommand.class, HashKeyCommand.class, HashPasswordCommand.class,
                CertCommand.class, PkiCommand.class, VersionCommand.class, SchemaCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (also a graceful stop on SIGTERM/SIGINT)",
                "1:runtime failure (a port cannot be bound, a file cannot be written)",
                "2:wrong command line", "3:invalid configuration"})
public final class PortcullisCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line; returns the exit code. Errors are printed as one message, never a stack trace. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new PortcullisCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigError ce) {
                commandLine.getErr().println(ce.getMessage());
                return ExitCodes.CONFIG;
            }
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            commandLine.getErr().println("portcullis: " + msg);
            return ExitCodes.FAILURE;
        });
        return cl.execute(args);
    }

    /** {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return Versions.describe().split(System.lineSeparator());
        }
    }
}
