package io.portcullis.server.internal.cli;

import io.portcullis.server.PortcullisServer;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code portcullis validate FILE}. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a configuration file as 'run' would (keys, values, certificate files, policies)"
                + " without opening any socket.", "Exit code 0 if valid, 3 if not (the error says where and why)."})
final class ValidateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the YAML configuration file")
    Path file;

    @Override
    public Integer call() {
        ConfigLoader loader = new ConfigLoader();
        ServerConfig config = loader.load(file);
        PortcullisServer.check(config, loader);
        spec.commandLine().getOut().printf("%s: valid (%d listener(s), %d route(s), %d gateway-wide polic%s)%n", file,
                config.gateway().listeners().size(), config.gateway().routes().size(),
                config.gateway().policies().size(), config.gateway().policies().size() == 1 ? "y" : "ies");
        return 0;
    }
}
