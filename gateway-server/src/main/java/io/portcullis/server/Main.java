package io.portcullis.server;

import io.portcullis.server.internal.cli.PortcullisCommand;
import java.io.PrintWriter;

/** The {@code portcullis} command; see {@link ExitCodes} for what it returns. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (!(args.length > 0 && args[0].equals("run"))) {
            // the other commands are short-lived tools: warnings on the console, no access log file
            System.setProperty("logback.configurationFile", "logback-cli.xml");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = PortcullisCommand.execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
