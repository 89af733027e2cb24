package io.portcullis.examples.refapp.web;

import io.portcullis.examples.refapp.RefAppProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Builds the {@link ClientInfo} of a request. */
@Component
public final class ClientInfoResolver {
    private final Set<String> trustedProxies;

    public ClientInfoResolver(RefAppProperties properties) {
        this.trustedProxies = Set.copyOf(properties.trustedProxies());
    }

    public ClientInfo resolve(HttpServletRequest request, String deviceId) {
        String ip = clientIp(request);
        String ua = truncate(request.getHeader("User-Agent"), 512);
        String lang = truncate(request.getHeader("Accept-Language"), 128);
        String fingerprint = Hashes.sha256Hex((ua == null ? "" : ua) + '\n' + (lang == null ? "" : lang) + '\n'
                + (deviceId == null ? "" : truncate(deviceId, 128)));
        return new ClientInfo(ip, ua, fingerprint);
    }

    /** The right-most X-Forwarded-For entry when the peer is a trusted proxy (the gateway appends the client it saw). */
    String clientIp(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (!trustedProxies.contains(normalise(peer))) {
            return peer;
        }
        String xff = request.getHeader("X-Forwarded-For");
        if (xff == null || xff.isBlank()) {
            return peer;
        }
        String[] parts = xff.split(",");
        String last = parts[parts.length - 1].trim();
        return last.isEmpty() || last.length() > 45 ? peer : last;
    }

    private static String normalise(String address) {
        return "0:0:0:0:0:0:0:1".equals(address) ? "::1" : address;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
