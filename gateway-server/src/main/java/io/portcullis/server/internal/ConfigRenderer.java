package io.portcullis.server.internal;

import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.server.config.ServerConfig;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective configuration as plain maps for {@code /config}: defaults filled in, durations as
 * text, and secrets replaced by {@value #REDACTED}: values read from secret files, the admin token,
 * policy settings whose name says they are secret (pepper, password, hash, secret, token), and an
 * ACME listener's EAB HMAC key.
 */
public final class ConfigRenderer {
    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(pepper|password|passwd|secret|token|hash|credential).*");

    private ConfigRenderer() {
    }

    public static Map<String, Object> render(ServerConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> gw = (Map<String, Object>) value(config.gateway(), "", config.secretPaths());
        out.putAll(gw);
        config.acme().forEach((i, acme) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> tls = (Map<String, Object>) ((List<Map<String, Object>>) gw.get("listeners")).get(i).get("tls");
            tls.put("acme", acme(acme, "listeners[" + i + "].tls.acme", config.secretPaths()));
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> admin = (Map<String, Object>) value(config.admin(), "admin", config.secretPaths());
        if (admin.get("token") != null) {
            admin.put("token", REDACTED);
        }
        out.put("admin", admin);
        return out;
    }

    /** As in the file: {@code eab: {keyId, hmacKey}}, the key always redacted. */
    private static Map<String, Object> acme(io.portcullis.gateway.acme.AcmeConfig acme, String path, Set<String> secrets) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) value(acme, path, secrets);
        if (acme.redis() != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> redis = (Map<String, Object>) m.get("redis");
            redis.put("uri", acme.redis().uri().replaceAll("//[^@/]*@", "//" + REDACTED + "@"));
        }
        Object keyId = m.remove("eabKeyId");
        m.remove("eabHmacKey");
        if (keyId != null) {
            Map<String, Object> eab = new LinkedHashMap<>();
            eab.put("keyId", keyId);
            eab.put("hmacKey", REDACTED);
            m.put("eab", eab);
        }
        return m;
    }

    private static Object value(Object v, String path, Set<String> secrets) {
        if (v == null) {
            return null;
        }
        if (secrets.contains(path)) {
            return REDACTED;
        }
        if (v instanceof Record r) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    Object cv = c.getAccessor().invoke(r);
                    m.put(c.getName(), value(cv, join(path, c.getName()), secrets));
                } catch (ReflectiveOperationException e) {
                    m.put(c.getName(), "?");
                }
            }
            return m;
        }
        if (v instanceof PolicySpec p) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", p.type());
            m.put("settings", settings(p.settings(), join(path, "settings"), secrets));
            return m;
        }
        if (v instanceof Collection<?> c) {
            List<Object> l = new ArrayList<>();
            int i = 0;
            for (Object o : c) {
                l.add(value(o, path + "[" + i++ + "]", secrets));
            }
            return l;
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (v instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        if (v instanceof Path || v instanceof URI) {
            return v.toString();
        }
        return v;
    }

    private static Object settings(Object v, String path, Set<String> secrets) {
        if (secrets.contains(path)) {
            return REDACTED;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> {
                String key = String.valueOf(k);
                boolean secretName = SECRET_NAME.matcher(key).matches() && !(val instanceof Map) && !(val instanceof List);
                out.put(key, secretName && val != null ? REDACTED : settings(val, path + "." + key, secrets));
            });
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(settings(l.get(i), path + "[" + i + "]", secrets));
            }
            return out;
        }
        return v;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
