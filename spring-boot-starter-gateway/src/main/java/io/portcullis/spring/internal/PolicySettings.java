package io.portcullis.spring.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Policy settings as the core's {@link io.portcullis.gateway.policy.PolicySpec} reads them. Spring
 * binds {@code settings.issuers[0].issuer} into a {@code Map<String, Object>} as nested maps keyed
 * {@code "0"}, {@code "1"}, ...; those become lists again, as YAML would have given them.
 */
public final class PolicySettings {
    private PolicySettings() {
    }

    public static Map<String, Object> normalize(Map<String, ?> settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (settings != null) {
            settings.forEach((k, v) -> out.put(k, value(v)));
        }
        return out;
    }

    private static Object value(Object v) {
        if (v instanceof Map<?, ?> m) {
            List<Object> list = asList(m);
            if (list != null) {
                return list;
            }
            Map<String, Object> nested = new LinkedHashMap<>();
            m.forEach((k, val) -> nested.put(String.valueOf(k), value(val)));
            return nested;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(e -> out.add(value(e)));
            return out;
        }
        return v;
    }

    /** The map as a list when its keys are exactly 0..n-1 (in any order), else null. */
    private static List<Object> asList(Map<?, ?> m) {
        if (m.isEmpty()) {
            return null;
        }
        Object[] items = new Object[m.size()];
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith("[") && key.endsWith("]")) {
                key = key.substring(1, key.length() - 1);
            }
            int i;
            try {
                i = Integer.parseInt(key);
            } catch (NumberFormatException ex) {
                return null;
            }
            if (i < 0 || i >= items.length || items[i] != null) {
                return null;
            }
            items[i] = value(e.getValue());
        }
        return new ArrayList<>(List.of(items));
    }
}
