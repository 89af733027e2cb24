package io.portcullis.gateway.internal.compress;

import io.netty.buffer.ByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether brotli can be offered: brotli4j and a native library for this platform are on the class
 * path and load. Decided once, by {@link #available()} called at gateway start (loading the native
 * library reads files: never on an event loop).
 */
public final class Brotli {
    private static final Logger LOG = LoggerFactory.getLogger(Brotli.class);
    private static volatile Boolean available;

    private Brotli() {
    }

    /** Loads brotli4j's native library on the first call; true when brotli responses are possible. */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (Brotli.class) {
                a = available;
                if (a == null) {
                    a = load();
                    available = a;
                }
            }
        }
        return a;
    }

    private static boolean load() {
        try {
            Class.forName("com.aayushatharva.brotli4j.Brotli4jLoader");
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("brotli4j is not on the class path: responses are compressed with gzip only");
            return false;
        }
        try {
            boolean ok = com.aayushatharva.brotli4j.Brotli4jLoader.isAvailable();
            if (!ok) {
                LOG.info("brotli4j has no native library for this platform: responses are compressed with gzip only",
                        com.aayushatharva.brotli4j.Brotli4jLoader.getUnavailabilityCause());
            }
            return ok;
        } catch (LinkageError e) {
            LOG.info("brotli4j could not be loaded ({}): responses are compressed with gzip only", e.toString());
            return false;
        }
    }

    static BodyEncoder encoder(int quality, ByteBufAllocator alloc) {
        return new BrotliEncoder(quality, alloc);
    }
}
