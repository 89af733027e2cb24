package io.portcullis.client;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.gateway.auth.ApiKeys;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.testing.TestCertificates;
import io.portcullis.testing.TestTls;
import io.portcullis.testing.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real gateway for the SDK tests: an HTTPS listener (h2 by ALPN) with the test CA's certificate
 * for {@code localhost}, a second one that requires client certificates, and routes with the
 * policies the SDK must cope with, in front of {@link TestUpstream} and {@link StubAuthServer}.
 *
 * <ul>
 *   <li>{@code /limited/...}: 1 request per second per {@code X-Limit-Key} ({@code Retry-After: 1})</li>
 *   <li>{@code /hourly/...}: 1 request per hour per {@code X-Limit-Key} ({@code Retry-After} far beyond any wait)</li>
 *   <li>{@code /keyed/...}: {@code api-key} policy</li>
 *   <li>{@code /auth/...}, {@code /oauth/...}: the stub auth server, public</li>
 *   <li>{@code /v1/...}: the stub behind the {@code jwt} policy (HS256 issuer)</li>
 *   <li>{@code /down/...}: an upstream port nobody listens on (502)</li>
 *   <li>{@code /...}: the test upstream ({@code /echo}, {@code /status/NNN}, {@code /slow?ms=})</li>
 * </ul>
 */
final class SdkGateway implements AutoCloseable {
    static final String PEPPER = "sdk-test-pepper";
    static final String API_KEY = ApiKeys.newKey("sdk");

    final TestTls tls = TestTls.shared();
    final TestUpstream upstream = TestUpstream.start();
    final StubAuthServer auth;
    final TestCertificates.Authority clientCa = TestCertificates.ca("SDK Client CA");
    final Path dir;
    final Gateway gateway;

    SdkGateway() {
        try {
            auth = new StubAuthServer();
            dir = Files.createTempDirectory("portcullis-sdk");
        } catch (IOException e) {
            upstream.close();
            throw new UncheckedIOException(e);
        }
        Path clientCaPem = clientCa.writeCaPem(dir.resolve("client-ca.pem"));
        CertificateConfig cert = CertificateConfig.of(tls.chain, tls.key);
        gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(cert)).named("https").bind("127.0.0.1"))
                .listener(ListenerConfig.https(0, TlsConfig.builder().certificate(cert)
                        .clientAuth(TlsConfig.ClientAuth.REQUIRE, clientCaPem).build()).named("mtls").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/limited").to(upstream.url()).policy(PolicySpec.of("rate-limit",
                        Map.of("requests", 1, "per", "1s", "name", "limited", "key", "header:X-Limit-Key"))).build())
                .route(RouteConfig.prefix("/hourly").to(upstream.url()).policy(PolicySpec.of("rate-limit",
                        Map.of("requests", 1, "per", "1h", "name", "hourly", "key", "header:X-Limit-Key"))).build())
                .route(RouteConfig.prefix("/keyed").to(upstream.url()).policy(PolicySpec.of("api-key", Map.of(
                        "pepper", PEPPER,
                        "keys", List.of(Map.of("id", "sdk", "owner", "sdk-tests",
                                "hash", ApiKeys.hmacHash(API_KEY, PEPPER.getBytes(StandardCharsets.UTF_8))))))).build())
                .route(RouteConfig.prefix("/auth").to(auth.url()).build())
                .route(RouteConfig.prefix("/oauth").to(auth.url()).build())
                .route(RouteConfig.prefix("/v1").to(auth.url()).policy(PolicySpec.of("jwt", Map.of(
                        "issuers", List.of(Map.of("issuer", StubAuthServer.ISSUER, "secret", StubAuthServer.SECRET))))).build())
                .route(RouteConfig.prefix("/down").to("http://127.0.0.1:" + freePort()).build())
                .route(RouteConfig.prefix("/").to(upstream.url()).build())
                .build();
        gateway.start();
    }

    String url() {
        return "https://localhost:" + gateway.address("https").getPort();
    }

    String mtlsUrl() {
        return "https://localhost:" + gateway.address("mtls").getPort();
    }

    /** Trusts the test CA only. */
    TlsSettings trust() {
        return TlsSettings.builder().trustPem(tls.caPem).build();
    }

    PortcullisClient.Builder client() {
        return PortcullisClient.builder().baseUrl(url()).tls(trust());
    }

    /** Requests the upstream saw whose URI starts with {@code prefix}. */
    long upstreamRequests(String prefix) {
        return upstream.requests().stream().filter(r -> r.uri().startsWith(prefix)).count();
    }

    /** A port that was free a moment ago: nothing listens there. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
        auth.close();
        upstream.close();
    }
}
