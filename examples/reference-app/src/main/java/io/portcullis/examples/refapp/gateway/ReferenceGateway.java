package io.portcullis.examples.refapp.gateway;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.policy.PolicySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Portcullis configuration for the reference app, built with {@link Gateway#builder()}
 * ({@code portcullis.yaml} beside this module is the same in YAML):
 * <ul>
 *   <li>strict security headers on every response, the gateway's own included;</li>
 *   <li>public auth routes with per-client-IP limits, stricter for login, registration and
 *       password reset;</li>
 *   <li>{@code /v1/**} needs a valid access token (verified against the app's JWKS; issuer and
 *       audience checked), 100 requests/min per IP; {@code /v1/batch} 25/min per IP;</li>
 *   <li>{@code /admin/**} and key rotation need role {@code admin}, {@code /support/**} role
 *       {@code support} or {@code admin};</li>
 *   <li>{@code X-User-Id} / {@code X-User-Roles} set from verified claims on the token routes
 *       (client-sent copies stripped); the token itself is forwarded, the app verifies it too.</li>
 * </ul>
 * Routes not listed here (anything else) get the gateway's 404.
 */
public final class ReferenceGateway {
    private ReferenceGateway() {
    }

    /**
     * Where the app is and what its tokens say.
     *
     * @param appUrl          the app's base URL, e.g. {@code http://127.0.0.1:9080}
     * @param issuer          {@code refapp.tokens.issuer}
     * @param audience        {@code refapp.tokens.audience}
     * @param jwksMinRefresh  how soon after a JWKS fetch a token with an unknown {@code kid} may
     *                        trigger another (30s by default; after a key rotation new tokens wait at most this long)
     */
    public record Settings(String appUrl, String issuer, String audience, Duration jwksMinRefresh) {
        public static Settings defaults() {
            return new Settings("http://127.0.0.1:9080", "portcullis-reference-app", "portcullis-reference-api",
                    Duration.ofSeconds(30));
        }

        public Settings withAppUrl(String url) {
            return new Settings(url, issuer, audience, jwksMinRefresh);
        }

        public Settings withJwksMinRefresh(Duration d) {
            return new Settings(appUrl, issuer, audience, d);
        }

        public String jwksUrl() {
            return appUrl + "/auth/keys/jwks.json";
        }
    }

    /** The policies and routes, without listeners. */
    public static Gateway.Builder routes(Settings s) {
        return addRoutes(Gateway.builder(), s);
    }

    /** Adds the policies and routes to {@code builder} (the Spring starter's, in {@link StarterGateway}). */
    public static Gateway.Builder addRoutes(Gateway.Builder builder, Settings s) {
        String app = s.appUrl();
        PolicySpec token = jwt(s, List.of());
        PolicySpec adminToken = jwt(s, List.of("admin"));
        PolicySpec supportToken = jwt(s, List.of("support", "admin"));
        return builder
                .policy(PolicySpec.of("security-headers"))
                .route(RouteConfig.exact("/health").methods("GET", "HEAD").to(app).build())
                // public auth endpoints: per-IP limits (the app throttles per account as well)
                .route(RouteConfig.prefix("/auth").to(app).policy(perIp("auth", 30, 10)).build())
                .route(RouteConfig.exact("/auth/login").to(app).policy(perIp("auth-login", 10, 10)).build())
                .route(RouteConfig.exact("/auth/register").to(app).policy(perIp("auth-register", 5, 5)).build())
                .route(RouteConfig.prefix("/auth/password-reset").to(app).policy(perIp("auth-reset", 5, 5)).build())
                .route(RouteConfig.prefix("/auth/email").to(app).policy(perIp("auth-email", 5, 5)).build())
                .route(RouteConfig.exact("/auth/keys/jwks.json").methods("GET", "HEAD").to(app).policy(perIp("jwks", 60, 20)).build())
                // auth endpoints acting on the caller
                .route(RouteConfig.exact("/auth/keys/rotate").to(app).policy(adminToken).policy(perIp("auth-admin", 10, 5)).build())
                .route(RouteConfig.exact("/auth/logout-all").to(app).policy(token).policy(perIp("auth-account", 10, 5)).build())
                .route(RouteConfig.prefix("/auth/2fa").to(app).policy(token).policy(perIp("auth-2fa", 10, 5)).build())
                // the API (seed 000's nginx limits)
                .route(RouteConfig.prefix("/v1").to(app).policy(token).policy(perIp("api", 100, 100)).build())
                .route(RouteConfig.prefix("/v1/batch").to(app).policy(token).policy(perIp("batch", 25, 25)).build())
                .route(RouteConfig.prefix("/admin").to(app).policy(adminToken).policy(perIp("admin", 60, 20)).build())
                .route(RouteConfig.prefix("/support").to(app).policy(supportToken).policy(perIp("support", 60, 20)).build());
    }

    /** The {@code jwt} policy for the app's tokens; {@code roles} non-empty requires one of them. */
    static PolicySpec jwt(Settings s, List<String> roles) {
        Map<String, Object> issuer = new LinkedHashMap<>();
        issuer.put("issuer", s.issuer());
        issuer.put("jwksUrl", s.jwksUrl());
        issuer.put("audiences", List.of(s.audience()));
        issuer.put("algorithms", List.of("RS256"));
        long ms = s.jwksMinRefresh().toMillis();
        issuer.put("minRefreshInterval", ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("issuers", List.of(issuer));
        settings.put("claimHeaders", Map.of("X-User-Id", "sub", "X-User-Roles", "roles"));
        if (!roles.isEmpty()) {
            settings.put("roles", roles);
        }
        return PolicySpec.of("jwt", settings);
    }

    static PolicySpec perIp(String name, int perMinute, int burst) {
        return PolicySpec.of("rate-limit", Map.of("name", name, "requests", perMinute, "per", "1m", "burst", burst, "key", "client-ip"));
    }

    /** An HTTPS listener (TLS 1.3/1.2, h2 + http/1.1 by ALPN) with the given PEM certificate chain and key. */
    public static ListenerConfig https(String bind, int port, Path certificateChain, Path privateKey) {
        return ListenerConfig.https(port, TlsConfig.of(CertificateConfig.of(certificateChain, privateKey))).named("https").bind(bind);
    }

    /**
     * Runs the gateway alone in front of an app started separately:
     * {@code ReferenceGateway <cert.pem> <key.pem> [httpsPort=8443] [appUrl=http://127.0.0.1:9080]}.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: ReferenceGateway <certificate-chain.pem> <private-key.pem> [https-port] [app-url]");
            System.exit(2);
        }
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 8443;
        Settings settings = args.length > 3 ? Settings.defaults().withAppUrl(args[3]) : Settings.defaults();
        Gateway gateway = routes(settings).listener(https("0.0.0.0", port, Path.of(args[0]), Path.of(args[1]))).build();
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
        System.out.println("Portcullis in front of " + settings.appUrl() + ": " + gateway.start());
        Thread.currentThread().join();
    }
}
