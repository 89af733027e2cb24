package io.portcullis.server.internal;

import io.netty.handler.ssl.OpenSsl;
import io.netty.util.Version;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build and of what it runs on. */
public final class Versions {
    private Versions() {
    }

    public static String portcullis() {
        try (InputStream in = Versions.class.getResourceAsStream("/io/portcullis/server/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** One line per component: Portcullis, Java, Netty, TLS provider. */
    public static String describe() {
        Version netty = Version.identify().get("netty-common");
        boolean boring = OpenSsl.isAvailable();
        return "portcullis " + portcullis() + System.lineSeparator()
                + "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
                + System.lineSeparator()
                + "netty " + (netty == null ? "unknown" : netty.artifactVersion()) + System.lineSeparator()
                + "tls " + (boring ? "BoringSSL (" + OpenSsl.versionString() + ")" : "JDK (BoringSSL unavailable)");
    }
}
