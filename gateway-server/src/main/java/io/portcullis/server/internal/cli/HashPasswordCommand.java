package io.portcullis.server.internal.cli;

import io.portcullis.gateway.auth.ApiKeys;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis hash-password}. */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Print the Argon2id hash of a password for the basic-auth policy's users.",
                "Asks twice on a terminal (no echo); with --stdin, or without a terminal, reads one line from"
                        + " standard input. The password is never taken from the command line."})
final class HashPasswordCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--stdin", description = "read the password from standard input")
    boolean stdin;

    @Override
    public Integer call() throws IOException {
        char[] password;
        Console console = System.console();
        if (!stdin && console != null) {
            password = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                spec.commandLine().getErr().println("portcullis: the passwords differ");
                return 1;
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "empty password");
        }
        String hash = ApiKeys.passwordHash(new String(password));
        Arrays.fill(password, '\0');
        spec.commandLine().getOut().println(hash);
        return 0;
    }
}
