package io.portcullis.gateway.internal.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks BoringSSL (netty-tcnative) when it loads, else the JDK, and says so once per JVM. */
final class TlsProviders {
    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private TlsProviders() {
    }

    /** Whether BoringSSL can be used; the first "no" in this JVM is logged at WARN with the reason. */
    static boolean openSslAvailable() {
        if (OpenSsl.isAvailable()) {
            return true;
        }
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            Throwable cause = OpenSsl.unavailabilityCause();
            log.warn("BoringSSL (netty-tcnative) is not available, falling back to the JDK's TLS implementation"
                    + " (slower, more garbage, session tickets not configurable per listener). Reason: {}",
                    String.valueOf(cause));
            log.debug("BoringSSL unavailability cause", cause);
        }
        return false;
    }

    /**
     * {@link SslProvider#OPENSSL}, not {@code OPENSSL_REFCNT}: contexts and engines free their native
     * memory when garbage-collected, so a context swapped out by a reload can stay in use by open
     * connections without anyone counting references.
     */
    static SslProvider provider(boolean openSsl) {
        return openSsl ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
