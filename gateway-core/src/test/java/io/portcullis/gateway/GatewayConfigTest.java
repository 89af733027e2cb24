package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration errors name the field and say what was expected. */
class GatewayConfigTest {

    @Test
    void noListener_isRejected() {
        assertThatThrownBy(() -> Gateway.builder().build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("listeners: empty (expected: at least one listener)");
    }

    @Test
    void badPort_namesField() {
        assertThatThrownBy(() -> ListenerConfig.http(70000))
                .isInstanceOf(ConfigException.class).hasMessage("port: 70000 (expected: 0-65535)");
    }

    @Test
    void duplicatePort_isRejected() {
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(8080)).listener(ListenerConfig.redirect(8080, 443).named("r")).build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listeners[1].port: 8080 is already used");
    }

    @Test
    void upstreamWithPath_isRejected() {
        assertThatThrownBy(() -> RouteConfig.prefix("/").to("http://a.test/base").build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("url: 'http://a.test/base' has a path");
    }

    @Test
    void routePathMustBeNormalised() {
        assertThatThrownBy(() -> RouteConfig.prefix("/a/../b").to("http://a.test").build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("path: '/a/../b'");
    }

    @Test
    void duplicateRouteIds_areRejected() {
        RouteConfig r = RouteConfig.prefix("/").id("x").to("http://a.test").build();
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0)).route(r).route(r).build())
                .isInstanceOf(ConfigException.class).hasMessage("routes[1].id: 'x' is used twice");
    }

    @Test
    void conflictingRoutes_areRejectedAtBuild() {
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0))
                .route(RouteConfig.prefix("/a").id("one").to("http://a.test").build())
                .route(RouteConfig.prefix("/a").id("two").to("http://b.test").build())
                .build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("routes[1]");
    }

    @Test
    void limitsAndTimeouts_haveSafeDefaults() {
        Limits l = Limits.defaults();
        assertThat(l.maxRequestLineBytes()).isEqualTo(8192);
        assertThat(l.maxHeaderFieldBytes()).isEqualTo(8192);
        assertThat(l.maxHeaderBlockBytes()).isEqualTo(32768);
        assertThat(l.maxHeaderCount()).isEqualTo(100);
        assertThat(l.h2MaxConcurrentStreams()).isEqualTo(100);
        assertThat(l.h2InitialWindowBytes()).isEqualTo(65536);
        Timeouts t = Timeouts.defaults();
        assertThat(t.requestHeaders()).isEqualTo(Duration.ofSeconds(20));
        assertThat(t.idle()).isEqualTo(Duration.ofSeconds(75));
        assertThat(t.upstreamConnect()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Timeouts.builder().idle(Duration.ZERO).build())
                .isInstanceOf(ConfigException.class).hasMessage("idle: PT0S (expected: > 0)");
    }

    @Test
    void compression_isOffByDefault_andValidated() {
        assertThat(Gateway.builder().listener(ListenerConfig.http(0)).buildConfig().compression().enabled()).isFalse();
        assertThat(Timeouts.defaults().websocketIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(RouteConfig.prefix("/").to("http://a").build().websocket()).isTrue();
        CompressionConfig gzip = CompressionConfig.gzip();
        assertThat(gzip.compressible("application/json; charset=UTF-8")).isTrue();
        assertThat(gzip.compressible("Text/HTML")).isTrue();
        assertThat(gzip.compressible("application/problem+json")).isTrue();
        assertThat(gzip.compressible("application/jsonx")).isFalse();
        assertThat(gzip.compressible("image/png")).isFalse();
        assertThatThrownBy(() -> gzip.withLevel(10)).isInstanceOf(ConfigException.class)
                .hasMessage("level: 10 (expected: 1 to 9)");
        assertThatThrownBy(() -> gzip.withTypes(java.util.List.of("text/*", "json"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("types[1]: 'json'");
        assertThatThrownBy(() -> gzip.withMinSize(-1)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("minSize: ");
    }

    @Test
    void trustedProxies_mustBeCidrs() {
        assertThatThrownBy(() -> Gateway.builder().listener(ListenerConfig.http(0)).trustedProxies("10.0.0.0/33").build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("trustedProxies[0]: ");
    }

    @Test
    void tlsOnPlainListener_isRejected() {
        assertThatThrownBy(() -> new ListenerConfig("x", null, 80, ListenerConfig.Mode.HTTP,
                TlsConfig.builder().certificates(List.of(CertificateConfig.of(java.nio.file.Path.of("a"), java.nio.file.Path.of("b")))).build(), 0))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls: set on a HTTP listener");
    }
}
