package io.portcullis.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.policy.PolicySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway for side-by-side load runs (see {@code ../shared/bench} and docs/benchmarks.md): one
 * HTTPS listener with ALPN h2/http1.1, every request proxied to one upstream.
 *
 * <pre>java -cp ... io.portcullis.benchmarks.LoadTestGateway --listen 127.0.0.1:28460 \
 *     --cert cert.pem --key key.pem --upstream http://127.0.0.1:28080 [--full-chain SECRET]</pre>
 *
 * {@code --full-chain SECRET}: every request also passes the full policy chain: a {@code jwt}
 * policy (HS256 with that secret, issuer {@code bench}; the load generator sends one token, so it is
 * served from the verified-token cache), an in-memory rate limit that admits everything, and the
 * strict security headers. {@link #token(String)} prints the token to send.
 */
public final class LoadTestGateway {
    private LoadTestGateway() {
    }

    public static void main(String[] args) throws InterruptedException {
        String listen = null;
        String cert = null;
        String key = null;
        String upstream = null;
        String secret = null;
        if (args.length == 2 && args[0].equals("--token")) {
            System.out.println(token(args[1]));
            return;
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--full-chain" -> secret = args[i + 1];
                case "--listen" -> listen = args[i + 1];
                case "--cert" -> cert = args[i + 1];
                case "--key" -> key = args[i + 1];
                case "--upstream" -> upstream = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (listen == null || cert == null || key == null || upstream == null) {
            System.err.println("usage: --listen host:port --cert chain.pem --key key.pem --upstream http://host:port");
            System.exit(2);
        }
        int colon = listen.lastIndexOf(':');
        RouteConfig.Builder route = RouteConfig.prefix("/").to(upstream);
        if (secret != null) {
            route.policy(PolicySpec.of("jwt", Map.of("issuers", List.of(Map.of("issuer", "bench", "secret", secret)),
                            "claimHeaders", Map.of("X-User-Id", "sub"))))
                    .policy(PolicySpec.of("rate-limit", Map.of("requests", 1_000_000_000, "per", "1s")))
                    .policy(PolicySpec.of("security-headers"));
        }
        Gateway gateway = Gateway.builder()
                .listener(ListenerConfig.https(Integer.parseInt(listen.substring(colon + 1)),
                        TlsConfig.of(CertificateConfig.of(Path.of(cert), Path.of(key))))
                        .bind(listen.substring(0, colon)))
                .route(route.build())
                .build();
        gateway.start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stop.countDown();
        }));
        stop.await();
    }

    /** An HS256 token for the {@code --full-chain} gateway, valid for a day. */
    static String token(String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .issuer("bench").subject("load-user").expirationTime(Date.from(Instant.now().plusSeconds(86_400))).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
