package io.portcullis.server.internal.cli;

import io.portcullis.server.internal.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis version}. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the versions of Portcullis, Java, Netty and the TLS provider.")
final class VersionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(Versions.describe());
    }
}
