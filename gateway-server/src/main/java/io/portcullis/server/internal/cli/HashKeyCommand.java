package io.portcullis.server.internal.cli;

import io.portcullis.gateway.auth.ApiKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis hash-key}. */
@Command(name = "hash-key", mixinStandardHelpOptions = true,
        description = {"Make a new API key and the hash to put in the api-key policy's keys.",
                "The key is printed once and stored nowhere; give it to the client."})
final class HashKeyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--id", description = "key id, 1-64 of [A-Za-z0-9_-] (default: random)")
    String id;

    @Option(names = "--owner", description = "who the key belongs to (the principal's subject)", defaultValue = "client")
    String owner;

    @Option(names = "--pepper-file", paramLabel = "FILE",
            description = "make a fast HMAC-SHA-256 hash with this server-side pepper instead of Argon2id")
    Path pepperFile;

    @Override
    public Integer call() throws IOException {
        String keyId = id != null ? id : "k" + HexFormat.of().formatHex(randomBytes(4));
        String key;
        try {
            key = ApiKeys.newKey(keyId);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--id: " + e.getMessage());
        }
        String hash = pepperFile == null ? ApiKeys.argon2Hash(key)
                : ApiKeys.hmacHash(key, Files.readString(pepperFile, StandardCharsets.UTF_8).strip()
                        .getBytes(StandardCharsets.UTF_8));
        var out = spec.commandLine().getOut();
        out.println("API key (shown once, stored nowhere; give it to the client):");
        out.println("  " + key);
        out.println();
        out.println("For the api-key policy (settings.keys):");
        out.println("  - id: " + keyId);
        out.println("    owner: " + owner);
        out.println("    hash: \"" + hash + "\"");
        if (pepperFile != null) {
            out.println("  (settings.pepper must be the same pepper: pepper: ${file:" + pepperFile + "})");
        }
        return 0;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
