package io.portcullis.testing.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the conformance suite wants a gateway to do, said once and neutrally; each face (builder
 * API, standalone server YAML, Spring properties) translates it into its own configuration. The
 * shape is fixed, so every face must express every part; a face that cannot must fail loudly (see
 * {@link GatewayConformance}).
 *
 * <ul>
 *   <li>listener {@value #HTTPS_LISTENER}: HTTPS (ALPN h2 and http/1.1) on 127.0.0.1, port 0, with
 *       {@code certificateChain} / {@code privateKey} (PEM files)</li>
 *   <li>listener {@value #REDIRECT_LISTENER}: cleartext redirect to HTTPS on 127.0.0.1, port 0,
 *       naming {@code redirectHttpsPort} in {@code Location}</li>
 *   <li>route {@code svc}: path prefix {@code /svc}, prefix stripped, to {@code upstreamUrl}</li>
 *   <li>route {@code secure}: prefix {@code /secure}, stripped, to {@code upstreamUrl}, behind a
 *       {@code jwt} policy for {@code jwtIssuer} with the HMAC {@code jwtSecret}, forwarding the
 *       {@code sub} claim as {@code X-User-Id}</li>
 *   <li>route {@code limited}: prefix {@code /limited}, stripped, to {@code upstreamUrl}, with a
 *       local {@code rate-limit} of {@code rateLimitRequests} per {@code rateLimitWindow}</li>
 *   <li>route {@code dead}: prefix {@code /dead} to {@code deadUpstreamUrl} (nothing listens there)</li>
 *   <li>cluster {@value #CLUSTER} of the {@code clusterEndpointUrls} (weight 1 each, default balancing)
 *       and route {@code balanced}: prefix {@code /balanced} to it</li>
 *   <li>gateway-wide policy {@code security-headers} with its defaults</li>
 *   <li>{@code timeouts.drain}: {@code drainTimeout}</li>
 * </ul>
 */
public record GatewayIntent(Path certificateChain, Path privateKey, int redirectHttpsPort, String upstreamUrl,
                            String deadUpstreamUrl, String jwtIssuer, String jwtSecret, int rateLimitRequests,
                            Duration rateLimitWindow, Duration drainTimeout, List<String> clusterEndpointUrls) {
    public static final String HTTPS_LISTENER = "public";
    public static final String REDIRECT_LISTENER = "redirect";
    public static final String CLUSTER = "pair";

    public GatewayIntent {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(upstreamUrl, "upstreamUrl");
        Objects.requireNonNull(deadUpstreamUrl, "deadUpstreamUrl");
        Objects.requireNonNull(jwtIssuer, "jwtIssuer");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(rateLimitWindow, "rateLimitWindow");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        clusterEndpointUrls = List.copyOf(clusterEndpointUrls);
    }

    /** {@code rateLimitWindow} as configuration text ({@code 1m}, {@code 30s}, {@code 500ms}). */
    public String rateLimitWindowText() {
        return durationText(rateLimitWindow);
    }

    /** {@code drainTimeout} as configuration text. */
    public String drainTimeoutText() {
        return durationText(drainTimeout);
    }

    private static String durationText(Duration d) {
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
