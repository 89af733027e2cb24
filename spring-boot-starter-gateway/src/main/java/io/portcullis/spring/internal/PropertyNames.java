package io.portcullis.spring.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a core field path ({@code listeners[0].tls.certificates[0].privateKey}) into the Spring
 * property that set it ({@code portcullis.listeners[0].tls.certificates[0].private-key}). Policy
 * settings and cluster names ({@code clusters.myApp.endpoints[0].url}) stay as written: they are map
 * keys, not bean properties.
 */
public final class PropertyNames {
    private static final Pattern UPPER = Pattern.compile("([a-z0-9])([A-Z])");

    private PropertyNames() {
    }

    public static String of(String fieldPath) {
        StringBuilder out = new StringBuilder("portcullis");
        boolean inSettings = false;
        boolean clusterName = false;
        String[] segments = fieldPath.split("\\.");
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            out.append('.').append(inSettings || clusterName ? segment : kebab(segment));
            clusterName = i == 0 && segment.equals("clusters");
            if (segment.equals("settings")) {
                inSettings = true;
            }
        }
        return out.toString();
    }

    private static String kebab(String camel) {
        Matcher m = UPPER.matcher(camel);
        return m.replaceAll("$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
