package io.portcullis.client.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** Where credentials may be sent: https anywhere, http only to loopback unless the caller opted in. */
public final class Urls {
    private Urls() {
    }

    /** Throws unless {@code uri} is https, or http to a loopback address, or {@code allowCleartext}. */
    public static void requireSecure(URI uri, boolean allowCleartext, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (scheme.equalsIgnoreCase("https")
                || (scheme.equalsIgnoreCase("http") && (allowCleartext || isLoopback(uri.getHost())))) {
            return;
        }
        throw new IllegalStateException(what + ": " + uri + " (expected: https, or allowCleartext() for a trusted network)");
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: never resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
