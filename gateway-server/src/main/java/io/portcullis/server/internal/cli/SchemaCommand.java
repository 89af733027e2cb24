package io.portcullis.server.internal.cli;

import io.portcullis.server.config.internal.SchemaGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis schema}. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of the configuration file (for editors and CI checks).")
final class SchemaCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(SchemaGenerator.json());
    }
}
