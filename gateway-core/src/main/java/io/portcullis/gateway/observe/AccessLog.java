package io.portcullis.gateway.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on the SLF4J logger {@code io.portcullis.access}, as
 * space-separated {@code key=value} pairs (values with spaces or quotes are quoted), e.g.
 * <pre>{@code
 * request_id=4f1c... protocol=h2 method=GET authority=api.example.com path=/users status=200
 *   bytes_in=0 bytes_out=512 duration_ms=3.214 route=api upstream=http://10.0.0.5:8080 client=203.0.113.9
 * }</pre>
 * Route the logger to its own appender in the logging backend to keep access logs apart.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("io.portcullis.access");

    private AccessLog() {
    }

    public static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** Writes the line; {@code path} is the normalised path, never the query (it may carry secrets). */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static void log(String requestId, String protocol, String method, String authority, String path,
                           int status, long bytesIn, long bytesOut, long durationNanos, String route,
                           String upstream, String client) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder sb = new StringBuilder(256);
        field(sb, "request_id", requestId);
        field(sb, "protocol", protocol);
        field(sb, "method", method);
        field(sb, "authority", authority);
        field(sb, "path", path);
        sb.append(" status=").append(status);
        sb.append(" bytes_in=").append(bytesIn);
        sb.append(" bytes_out=").append(bytesOut);
        long micros = durationNanos / 1000;
        sb.append(" duration_ms=").append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            sb.append(frac < 10 ? "00" : "0");
        }
        sb.append(frac);
        field(sb, "route", route);
        field(sb, "upstream", upstream);
        field(sb, "client", client);
        LOG.info(sb.toString());
    }

    private static void field(StringBuilder sb, String key, String value) {
        if (sb.length() > 0) {
            sb.append(' ');
        }
        sb.append(key).append('=');
        if (value == null || value.isEmpty()) {
            sb.append('-');
            return;
        }
        boolean quote = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c >= 0x7f) {
                quote = true;
                break;
            }
        }
        if (!quote) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < ' ' || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
