package io.portcullis.server;

/** Exit codes of the {@code portcullis} command. */
public final class ExitCodes {
    /** Success; also a graceful stop of {@code run} on SIGTERM or SIGINT. */
    public static final int OK = 0;
    /** A runtime failure: a listener cannot bind, a file cannot be written, an unexpected error. */
    public static final int FAILURE = 1;
    /** The command line is wrong (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** The configuration is invalid; the message says where and why. */
    public static final int CONFIG = 3;

    private ExitCodes() {
    }
}
