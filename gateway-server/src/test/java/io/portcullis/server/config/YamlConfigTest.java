package io.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.IoTransport;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.LoadBalancing;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import io.portcullis.server.PortcullisServer;
import io.portcullis.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {
    @TempDir
    Path dir;

    private ServerConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    private ServerConfig load(String yaml, Map<String, String> env) {
        return new ConfigLoader(env::get).load(yaml, "test.yaml", null, dir);
    }

    private ConfigError error(String yaml) {
        return error(yaml, Map.of());
    }

    private ConfigError error(String yaml, Map<String, String> env) {
        try {
            load(yaml, env);
        } catch (ConfigError e) {
            return e;
        }
        throw new AssertionError("expected a ConfigError for:\n" + yaml);
    }

    @Test
    void shippedExample_bindsEveryPart() {
        ServerConfig c = new ConfigLoader(Map.of("HTTPS_PORT", "8443")::get)
                .load(Path.of("src/dist/conf/portcullis.yaml"));
        var gw = c.gateway();
        assertThat(gw.listeners()).extracting(ListenerConfig::name).containsExactly("https", "http");
        assertThat(gw.listeners().get(0).port()).isEqualTo(8443);
        assertThat(gw.listeners().get(0).mode()).isEqualTo(ListenerConfig.Mode.HTTPS);
        assertThat(gw.listeners().get(1).mode()).isEqualTo(ListenerConfig.Mode.REDIRECT);
        assertThat(gw.listeners().get(1).httpsPort()).isEqualTo(8443);
        assertThat(gw.listeners().get(1).port()).isEqualTo(80);
        assertThat(gw.trustedProxies()).containsExactly("10.0.0.0/8");
        assertThat(gw.policies()).extracting(p -> p.type()).containsExactly("security-headers");
        RouteConfig internal = gw.routes().stream().filter(r -> r.id().equals("internal")).findFirst().orElseThrow();
        assertThat(internal.rewrite()).isEqualTo(RouteConfig.Rewrite.STRIP_PREFIX);
        assertThat(internal.upstream().preserveHost()).isFalse();
        assertThat(internal.upstream().trustedCertificates()).isEqualTo(Path.of("/etc/portcullis/tls/internal-ca.pem"));
        assertThat(internal.policies()).extracting(p -> p.type()).containsExactly("ip-rules", "api-key");
        RouteConfig batch = gw.routes().stream().filter(r -> r.id().equals("api-batch")).findFirst().orElseThrow();
        assertThat(batch.maxRequestBodyBytes()).isEqualTo(50L * 1024 * 1024);
        assertThat(batch.policies().get(0).settings()).containsEntry("requests", 25L).containsEntry("per", "1m");
        assertThat(gw.limits().maxHeaderBlockBytes()).isEqualTo(32 * 1024);
        assertThat(gw.timeouts().drain()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.admin().port()).isEqualTo(9901);
        assertThat(c.admin().host()).isEqualTo("127.0.0.1");
        RouteConfig site = gw.routes().stream().filter(r -> r.id().equals("site")).findFirst().orElseThrow();
        assertThat(site.cluster()).isEqualTo("app");
        assertThat(gw.clusters()).singleElement().satisfies(app -> {
            assertThat(app.name()).isEqualTo("app");
            assertThat(app.endpoints()).extracting(EndpointConfig::weight).containsExactly(1, 2);
            assertThat(app.passiveHealth().maxEjectionPercent()).isEqualTo(50);
            assertThat(app.retries().maxRetries()).isEqualTo(2);
        });
    }

    @Test
    void clusters_asMapOrList_andRoutesReferToThemByName() {
        ServerConfig c = load("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web:
                    endpoints:
                      - http://10.0.0.1:8080
                      - {url: http://10.0.0.2:8080, weight: 3}
                    balancing: hash
                    hashKey: cookie:session
                    pool: {maxConnectionsPerEndpoint: 10, maxPendingRequests: 5, idleTimeout: 5s}
                    activeHealth: {path: /health, interval: 2s}
                    connectTimeout: 1s
                routes:
                  - {path: /, cluster: web, upstreamResponseTimeout: 90s}
                """);
        ClusterConfig web = c.gateway().clusters().get(0);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.balancing()).isEqualTo(LoadBalancing.hash("cookie:session"));
        assertThat(web.endpoints().get(1).weight()).isEqualTo(3);
        assertThat(web.pool().maxPendingRequests()).isEqualTo(5);
        assertThat(web.activeHealth().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(web.activeHealth().unhealthyThreshold()).isEqualTo(3);
        assertThat(web.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.gateway().routes().get(0).upstreamResponseTimeout()).isEqualTo(Duration.ofSeconds(90));

        ServerConfig list = load("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  - name: api
                    endpoints: [http://10.0.0.1:8080]
                    balancing: least-request
                routes:
                  - {path: /, cluster: api}
                """);
        assertThat(list.gateway().clusters().get(0).balancing().algorithm()).isEqualTo(LoadBalancing.Algorithm.LEAST_REQUEST);
    }

    @Test
    void clusterProtocolAndSni_bind_andMismatchesPointIntoTheFile() {
        ServerConfig c = load("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  grpc: {endpoints: [http://10.0.0.1:9090], protocol: h2c}
                  secure:
                    endpoints: [https://10.0.0.2:8443]
                    protocol: h2
                    sni: upstream.test
                routes:
                  - {path: /grpc, cluster: grpc}
                  - {path: /s, cluster: secure}
                  - {path: /u, upstream: {url: https://10.0.0.3:443, sni: legacy.test}}
                """);
        assertThat(c.gateway().clusters().get(0).protocol()).isEqualTo(ClusterConfig.Protocol.H2C);
        assertThat(c.gateway().clusters().get(1).protocol()).isEqualTo(ClusterConfig.Protocol.H2);
        assertThat(c.gateway().clusters().get(1).sni()).isEqualTo("upstream.test");
        assertThat(c.gateway().routes().get(2).upstream().sni()).isEqualTo("legacy.test");

        ConfigError cleartextH2 = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web:
                    endpoints: [http://10.0.0.1:8080]
                    protocol: h2
                """);
        assertThat(cleartextH2.path()).startsWith("clusters.web");
        assertThat(cleartextH2.getMessage()).contains("is not https").contains("use h2c");

        ConfigError ipSni = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web:
                    endpoints: [https://10.0.0.1:8443]
                    sni: 10.0.0.1
                """);
        assertThat(ipSni.path()).isEqualTo("clusters.web.sni");
        assertThat(ipSni.getMessage()).contains("SNI cannot carry an IP address");

        ConfigError unknown = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web:
                    endpoints: [http://10.0.0.1:8080]
                    protocol: http2
                """);
        assertThat(unknown.line()).isEqualTo(5);
        assertThat(unknown.getMessage()).contains("http1, h2, h2c");
    }

    @Test
    void clusterErrors_pointIntoTheFile() {
        ConfigError unknown = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web: {endpoints: [http://10.0.0.1:8080]}
                routes:
                  - {path: /a, cluster: web}
                  - {path: /b, cluster: wbe}
                """);
        assertThat(unknown.path()).isEqualTo("routes[1].cluster");
        assertThat(unknown.line()).isEqualTo(6);
        assertThat(unknown.getMessage()).contains("'wbe' is not a defined cluster").contains("[web]");

        ConfigError badUrl = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web:
                    endpoints:
                      - http://10.0.0.1:8080
                      - ftp://10.0.0.2
                """);
        assertThat(badUrl.path()).isEqualTo("clusters.web.endpoints[1]");
        assertThat(badUrl.getMessage()).contains("expected: scheme http or https");
        assertThat(badUrl.line()).isEqualTo(6);

        ConfigError hashKey = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  - name: web
                    endpoints: [http://10.0.0.1:8080]
                    balancing: hash
                    hashKey: query:x
                """);
        assertThat(hashKey.path()).isEqualTo("clusters[0].hashKey");
        assertThat(hashKey.line()).isEqualTo(6);
        assertThat(hashKey.getMessage()).contains("header:NAME, cookie:NAME or client-ip");

        ConfigError both = error("""
                listeners: [{port: 1, mode: http}]
                clusters:
                  web: {endpoints: [http://10.0.0.1:8080]}
                routes:
                  - {path: /, cluster: web, upstream: http://10.0.0.1:9}
                """);
        assertThat(both.path()).isEqualTo("routes[0].cluster");

        ConfigError neither = error("""
                listeners: [{port: 1, mode: http}]
                routes:
                  - {path: /}
                """);
        assertThat(neither.path()).isEqualTo("routes[0].upstream");
    }

    @Test
    void unknownKey_namesPositionAndSuggestsTheKnownOne() {
        ConfigError e = error("""
                listeners:
                  - name: a
                    prot: 8443
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(5);
        assertThat(e.path()).isEqualTo("listeners[0].prot");
        assertThat(e.getMessage()).startsWith("test.yaml:3:5: listeners[0].prot: unknown key (did you mean 'port'?)")
                .contains("    3 |     prot: 8443");
    }

    @Test
    void unknownKey_farFromAnyKnownOne_listsTheKnownKeys() {
        ConfigError e = error("listeners: [{port: 1, mode: http}]\nbananas: 3\n");
        assertThat(e.getMessage()).contains("test.yaml:2:1: bananas: unknown key (expected one of: listeners, routes,");
    }

    @Test
    void badCidr_fromTheCore_isReportedAtTheListItem() {
        ConfigError e = error("""
                listeners: [{port: 8080, mode: http}]
                trustedProxies:
                  - 10.0.0.0/8
                  - 10.0.0.300/8
                """);
        assertThat(e.path()).isEqualTo("trustedProxies[1]");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(5);
        assertThat(e.problem()).contains("10.0.0.300");
    }

    @Test
    void badDuration_saysWhatIsExpected() {
        ConfigError e = error("""
                listeners: [{port: 8080, mode: http}]
                timeouts:
                  idle: 5 minutes
                """);
        assertThat(e.getMessage()).startsWith(
                "test.yaml:3:9: timeouts.idle: '5 minutes' (expected: a duration such as 500ms, 30s, 5m, 1h, 2d)");
    }

    @Test
    void coreValidation_ofARecord_isReportedAtTheField() {
        ConfigError e = error("""
                listeners: [{port: 8080, mode: http}]
                routes:
                  - path: /api
                    upstream: http://127.0.0.1:9000/base
                """);
        assertThat(e.path()).isEqualTo("routes[0].upstream");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem()).contains("has a path");
    }

    @Test
    void wrongShape_andMissingField_andEnumTypo() {
        assertThat(error("listeners: {port: 1}\n").getMessage())
                .startsWith("test.yaml:1:12: listeners: a mapping (expected: a list of a listener)");
        assertThat(error("listeners: [{mode: http}]\n").getMessage())
                .startsWith("test.yaml:1:13: listeners[0].port: missing (expected: a whole number 0-65535)");
        assertThat(error("listeners: [{port: 99999, mode: http}]\n").getMessage())
                .contains("listeners[0].port: '99999' (expected: a whole number 0-65535)");
        assertThat(error("listeners: [{port: 1, mode: htps}]\n").getMessage())
                .contains("listeners[0].mode: 'htps' (expected: one of https, http, redirect); did you mean 'https'?");
        assertThat(error("listeners: [{port: 1}]\n").getMessage())
                .contains("listeners[0].mode: missing (expected: https with tls, http, or redirect with httpsPort)");
    }

    @Test
    void transport_isAutoByDefault_namedInKebabCase_andATypoIsNamedWithItsPosition() {
        String listener = "listeners: [{port: 1, mode: http}]\n";
        assertThat(load(listener).gateway().transport()).isEqualTo(IoTransport.AUTO);
        assertThat(load(listener + "transport: io-uring\n").gateway().transport()).isEqualTo(IoTransport.IO_URING);
        assertThat(load(listener + "transport: epoll\n").gateway().transport()).isEqualTo(IoTransport.EPOLL);
        assertThat(load(listener + "transport: nio\n").gateway().transport()).isEqualTo(IoTransport.NIO);
        assertThat(error(listener + "transport: iouring\n").getMessage())
                .startsWith("test.yaml:2:12: transport: 'iouring' (expected: one of auto, io-uring, epoll, nio); did you mean 'io-uring'?");
    }

    @Test
    void listenerConnectionLimits_ipRules_andMutualTls() {
        ListenerConfig l = load("""
                listeners:
                  - port: 8443
                    tls:
                      certificates: [{certificateChain: a.crt, privateKey: a.key}]
                      clientAuth: optional
                      clientCa: ca.pem
                    connectionLimits: {maxConnections: 500, maxConnectionsPerClient: 20, clientIpv6Prefix: 56}
                    ipRules: {allow: [10.0.0.0/8], deny: [10.1.0.0/16]}
                """).gateway().listeners().get(0);
        assertThat(l.connectionLimits().maxConnections()).isEqualTo(500);
        assertThat(l.connectionLimits().maxConnectionsPerClient()).isEqualTo(20);
        assertThat(l.connectionLimits().clientIpv6Prefix()).isEqualTo(56);
        assertThat(l.ipRules().allow()).containsExactly("10.0.0.0/8");
        assertThat(l.ipRules().deny()).containsExactly("10.1.0.0/16");
        assertThat(l.tls().clientAuth()).isEqualTo(TlsConfig.ClientAuth.OPTIONAL);
        assertThat(l.tls().clientCa()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(error("listeners: [{port: 1, mode: http, connectionLimits: {maxConnections: 5, maxConnectionsPerClient: 9}}]\n")
                .getMessage()).contains("listeners[0].connectionLimits.maxConnectionsPerClient: 9 is above maxConnections 5");
        assertThat(error("listeners: [{port: 1, mode: http, ipRules: {allow: [300.0.0.0/8]}}]\n").path())
                .startsWith("listeners[0].ipRules.allow");
    }

    @Test
    void anchorsAndAliases_shareOneDefinition() {
        ServerConfig c = load("""
                listeners: [{port: 1, mode: http}]
                routes:
                  - path: /a
                    upstream: http://127.0.0.1:9
                    policies: [{type: rate-limit, settings: &limit {requests: 10, per: 1m}}]
                  - path: /b
                    upstream: http://127.0.0.1:9
                    policies: [{type: rate-limit, settings: *limit}]
                """);
        assertThat(c.gateway().routes().get(1).policies().get(0).settings())
                .isEqualTo(c.gateway().routes().get(0).policies().get(0).settings())
                .containsEntry("requests", 10L);
    }

    @Test
    void upstreamClientCertificate_andTheReferenceAppsConfiguration() {
        RouteConfig r = load("""
                listeners: [{port: 1, mode: http}]
                routes:
                  - path: /
                    upstream:
                      url: https://backend.internal:8443
                      clientCertificate: {certificateChain: client.crt, privateKey: client.key}
                """).gateway().routes().get(0);
        assertThat(r.upstream().clientCertificate().certificateChain()).isEqualTo(dir.resolve("client.crt"));
        assertThat(error("listeners: [{port: 1, mode: http}]\nroutes: [{path: /, upstream: {url: 'http://b',"
                + " clientCertificate: {certificateChain: c, privateKey: k}}}]\n").path())
                .isEqualTo("routes[0].upstream.clientCertificate");

        ServerConfig refapp = new ConfigLoader(Map.<String, String>of()::get)
                .load(Path.of("../examples/reference-app/portcullis.yaml"));
        assertThat(refapp.gateway().routes()).extracting(RouteConfig::path).contains("/v1", "/v1/batch", "/auth/login");
        assertThat(refapp.gateway().routes().stream().filter(x -> x.path().equals("/v1/batch")).findFirst().orElseThrow()
                .policies()).extracting(p -> p.type()).containsExactly("jwt", "rate-limit");
    }

    @Test
    void settingsThatDoNotBelongTogether_areErrors() {
        assertThat(error("listeners: [{port: 1, mode: http, tls: {certificates: [{certificateChain: a, privateKey: b}]}}]\n")
                .getMessage()).contains("listeners[0].tls: set on a http listener (expected: only on https listeners)");
        assertThat(error("listeners: [{port: 1, mode: http, httpsPort: 443}]\n").getMessage())
                .contains("listeners[0].httpsPort: set on a http listener (expected: only on redirect listeners)");
        assertThat(error("listeners: [{port: 1, mode: https}]\n").getMessage())
                .contains("listeners[0].tls: missing (expected: certificates for an https listener)");
        assertThat(error("listeners: [{port: 1, mode: http}]\nroutes: [{path: /a, upstream: 'http://x', rewriteTo: /b}]\n")
                .getMessage()).contains("test.yaml:2:54: routes[0].rewriteTo: set without rewrite: replace-prefix");
        RouteConfig exact = load("listeners: [{port: 1, mode: http}]\n"
                + "routes: [{path: /a, pathMatch: exact, methods: [GET], hosts: [a.example], upstream: 'http://x'}]\n")
                .gateway().routes().get(0);
        assertThat(exact.pathMatch()).isEqualTo(RouteConfig.PathMatch.EXACT);
        assertThat(exact.id()).isEqualTo("a.example/a");
        assertThat(exact.methods()).containsExactly("GET");
    }

    @Test
    void duplicateKey_andSyntaxError_andEmptyFile() {
        assertThat(error("listeners: [{port: 1, mode: http, port: 2}]\n").getMessage()).contains("duplicate key");
        ConfigError syntax = error("listeners:\n  - port: 1\n   mode: http\n");
        assertThat(syntax.line()).isEqualTo(3);
        assertThat(syntax.problem()).startsWith("YAML syntax error");
        assertThat(error("# nothing\n").problem()).contains("the file is empty");
    }

    @Test
    void environmentSubstitution_withDefaults_andLiteralDollar() {
        ServerConfig c = load("""
                listeners:
                  - port: ${PORT}
                    mode: http
                    host: ${BIND:-127.0.0.1}
                healthPath: /health$${x}
                """, Map.of("PORT", "8081"));
        assertThat(c.gateway().listeners().get(0).port()).isEqualTo(8081);
        assertThat(c.gateway().listeners().get(0).host()).isEqualTo("127.0.0.1");
        assertThat(c.gateway().healthPath()).isEqualTo("/health${x}");
    }

    @Test
    void missingEnvironmentVariable_isAnErrorAtItsValue() {
        ConfigError e = error("listeners:\n  - port: ${PORT}\n    mode: http\n");
        assertThat(e.getMessage()).startsWith("test.yaml:2:11: listeners[0].port: environment variable PORT is not set"
                + " (use ${PORT:-default} to give a default)");
    }

    @Test
    void secretFiles_areReadAndRemembered() throws Exception {
        Files.writeString(dir.resolve("pepper.txt"), "s3cret-pepper\n");
        Files.writeString(dir.resolve("admin.token"), "0123456789abcdef0123\n");
        ServerConfig c = load("""
                listeners: [{port: 8080, mode: http}]
                policies:
                  - type: tenant-test
                    settings: {pepper: "${file:pepper.txt}"}
                admin:
                  token: file:admin.token
                """);
        assertThat(c.gateway().policies().get(0).settings()).containsEntry("pepper", "s3cret-pepper");
        assertThat(c.admin().token()).isEqualTo("0123456789abcdef0123");
        assertThat(c.secretPaths()).containsExactlyInAnyOrder("policies[0].settings.pepper", "admin.token");
        assertThat(error("listeners: [{port: 1, mode: http}]\nadmin: {token: 'file:nope.txt'}\n").problem())
                .startsWith("cannot read secret file");
    }

    @Test
    void errorsFoundWhenTheGatewayIsBuilt_pointIntoTheFile() throws Exception {
        TestTls tls = TestTls.shared();
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                listeners:
                  - port: 0
                    tls:
                      certificates:
                        - certificateChain: %s
                          privateKey: %s
                routes:
                  - path: /
                    upstream: http://127.0.0.1:9
                    policies:
                      - type: rate-limit
                        settings: {requests: 10, per: 1m, bursty: 3}
                """.formatted(tls.chain, tls.key));
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        ServerConfig c = loader.load(file);
        assertThatThrownBy(() -> PortcullisServer.check(c, loader))
                .isInstanceOfSatisfying(ConfigError.class, e -> {
                    assertThat(e.path()).isEqualTo("routes[0].policies[0].settings.bursty");
                    assertThat(e.line()).isEqualTo(12);
                    assertThat(e.problem()).contains("unknown setting for policy type 'rate-limit'");
                });
    }

    @Test
    void acmeErrors_nameTheirPositionInTheFile() {
        String base = """
                listeners:
                  - port: 443
                    tls:
                      acme:
                        directory: https://acme.example/dir
                        domains: [ok.example, "*.bad.example"]
                        agreeToTerms: true
                        storage: /var/lib/portcullis/acme
                """;
        ConfigError e = error(base);
        assertThat(e.path()).isEqualTo("listeners[0].tls.acme.domains[1]");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.problem()).contains("without wildcards");

        e = error(base.replace("\"*.bad.example\"", "b.example").replace("agreeToTerms: true", "agreeToTerms: false"));
        assertThat(e.path()).isEqualTo("listeners[0].tls.acme.agreeToTerms");
        assertThat(e.line()).isEqualTo(7);

        e = error(base.replace("\"*.bad.example\"", "b.example") + """
                      certificates: [{certificateChain: a.pem, privateKey: a.key}]
                """);
        assertThat(e.path()).isEqualTo("listeners[0].tls.acme");
        assertThat(e.problem()).contains("not both");

        e = error(base.replace("\"*.bad.example\"", "b.example").replace("storage:", "eab: {keyId: k}\n        storage:"));
        assertThat(e.path()).isEqualTo("listeners[0].tls.acme.eab.hmacKey");

        e = error(base.replace("\"*.bad.example\"", "b.example").replace("storage:", "redis: {uri: http://x}\n        storage:"));
        assertThat(e.path()).isEqualTo("listeners[0].tls.acme.redis.uri");
        assertThat(e.line()).isEqualTo(8);
    }

    @Test
    void acmeListener_servesTheFilesInItsStorage_andValidateWritesNothingThere() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                listeners:
                  - name: https
                    port: 443
                    tls:
                      acme:
                        directory: lets-encrypt
                        domains: [Example.COM, www.example.com]
                        email: ops@example.com
                        agreeToTerms: true
                        storage: data/acme
                        renewBefore: 30d
                        challenge: tls-alpn-01
                  - {port: 80, httpsPort: 443}
                """);
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        ServerConfig c = loader.load(file);
        var acme = c.acme().get(0);
        assertThat(acme.directory()).isEqualTo(io.portcullis.gateway.acme.AcmeConfig.LETS_ENCRYPT);
        assertThat(acme.domains()).containsExactly("example.com", "www.example.com");
        assertThat(acme.storage()).isEqualTo(dir.resolve("data/acme"));
        assertThat(acme.renewBefore()).isEqualTo(Duration.ofDays(30));
        assertThat(acme.challenge()).isEqualTo("tls-alpn-01");
        assertThat(c.gateway().listeners().get(0).tls().certificates()).containsExactly(acme.certificate());
        assertThat(acme.certificate().certificateChain()).isEqualTo(dir.resolve("data/acme/example.com/fullchain.pem"));
        PortcullisServer.check(c, loader);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void compressionWebSocketAndTheirTimeouts_bind() {
        ServerConfig c = load("""
                listeners: [{port: 8080, mode: http}]
                compression: {minSize: 2KiB, level: 3}
                timeouts: {websocketIdle: 90s}
                routes:
                  - path: /api
                    upstream: http://127.0.0.1:9000
                    websocket: false
                    compression: {enabled: false}
                  - path: /
                    upstream: http://127.0.0.1:9000
                """);
        var gw = c.gateway();
        assertThat(gw.compression().enabled()).isTrue();
        assertThat(gw.compression().minSize()).isEqualTo(2048);
        assertThat(gw.compression().level()).isEqualTo(3);
        assertThat(gw.compression().types()).isEqualTo(io.portcullis.gateway.CompressionConfig.DEFAULT_TYPES);
        assertThat(gw.timeouts().websocketIdle()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(gw.routes().get(0).websocket()).isFalse();
        assertThat(gw.routes().get(0).compression().enabled()).isFalse();
        assertThat(gw.routes().get(1).websocket()).isTrue();
        assertThat(gw.routes().get(1).compression()).isNull();
    }

    @Test
    void badCompressionType_isReportedAtTheListItem() {
        ConfigError e = error("""
                listeners: [{port: 8080, mode: http}]
                compression:
                  types: [application/json, Text/HTML]
                """);
        assertThat(e.path()).isEqualTo("compression.types[1]");
        assertThat(e.problem()).contains("Text/HTML");
    }
}
