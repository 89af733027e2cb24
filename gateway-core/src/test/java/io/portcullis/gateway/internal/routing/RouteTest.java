package io.portcullis.gateway.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.RouteConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTest {

    private static Route prefix(String prefix, String rewrite, String rewriteTo) {
        RouteConfig.Builder b = RouteConfig.prefix(prefix).id("r").to("http://backend:8080");
        if (rewrite.equals("STRIP")) {
            b.stripPrefix();
        } else if (rewrite.equals("REPLACE")) {
            b.replacePrefix(rewriteTo);
        }
        return new Route(b.build());
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3} -> {4}")
    @CsvSource(nullValues = "-", value = {
            "/api,  NONE,    -,    /api/users,     /api/users",
            "/api,  STRIP,   -,    /api/users,     /users",
            "/api,  STRIP,   -,    /api/users/,    /users/",
            "/api,  STRIP,   -,    /api,           /",
            "/api,  STRIP,   -,    /api/,          /",
            "/,     STRIP,   -,    /api/users,     /api/users",
            "/,     STRIP,   -,    /,              /",
            "/a/b,  STRIP,   -,    /a/b/c,         /c",
            "/api/, STRIP,   -,    /api/users,     /users",
            "/api/, STRIP,   -,    /api/,          /",
            "/api,  REPLACE, /v2,  /api/users,     /v2/users",
            "/api,  REPLACE, /v2,  /api,           /v2",
            "/api,  REPLACE, /v2,  /api/,          /v2/",
            "/api,  REPLACE, /,    /api/users,     /users",
            "/api,  REPLACE, /,    /api,           /",
            "/api,  REPLACE, /v2/, /api/users,     /v2/users",
            "/api,  REPLACE, /v2/, /api,           /v2/",
            "/api/, REPLACE, /v2,  /api/users,     /v2/users",
            "/api/, REPLACE, /v2,  /api/,          /v2/",
            "/,     REPLACE, /v2,  /users,         /v2/users",
            "/,     REPLACE, /v2,  /,              /v2/",
            "/,     REPLACE, /,    /users,         /users",
            "/api,  REPLACE, /a/b, /api/x/y,       /a/b/x/y",
            "/api,  REPLACE, /%7ev2, /api/x,       /~v2/x",
    })
    void rewrite_prefixRoute_joinsWithoutDoubleSlash(String prefix, String mode, String to, String path,
            String expected) {
        String result = prefix(prefix, mode, to).rewrite(path);
        assertThat(result).isEqualTo(expected).doesNotContain("//");
    }

    @Test
    void rewrite_none_returnsSameInstance() {
        String path = new String("/api/users");
        assertThat(prefix("/api", "NONE", null).rewrite(path)).isSameAs(path);
    }

    @Test
    void rewrite_stripOnRoot_returnsSameInstance() {
        String path = new String("/api/users");
        assertThat(prefix("/", "STRIP", null).rewrite(path)).isSameAs(path);
    }

    @Test
    void rewrite_pathNotMatched_throws() {
        assertThatThrownBy(() -> prefix("/api", "STRIP", null).rewrite("/apix"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> prefix("/api/", "STRIP", null).rewrite("/api"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} {1} matches {2}: {3}")
    @CsvSource({
            "PREFIX, /api,  /api,      true",
            "PREFIX, /api,  /api/,     true",
            "PREFIX, /api,  /api/x/y,  true",
            "PREFIX, /api,  /apix,     false",
            "PREFIX, /api,  /ap,       false",
            "PREFIX, /api/, /api,      false",
            "PREFIX, /api/, /api/,     true",
            "PREFIX, /api/, /api/x,    true",
            "PREFIX, /,     /,         true",
            "PREFIX, /,     /anything, true",
            "EXACT,  /api,  /api,      true",
            "EXACT,  /api,  /api/,     false",
            "EXACT,  /api/, /api/,     true",
    })
    void matchesPath_isSegmentAware(String match, String routePath, String path, boolean expected) {
        RouteConfig.Builder b = match.equals("EXACT") ? RouteConfig.exact(routePath) : RouteConfig.prefix(routePath);
        assertThat(new Route(b.to("http://b").build()).matchesPath(path)).isEqualTo(expected);
    }

    @Test
    void path_isNormalizedLikeRequests() {
        Route r = new Route(RouteConfig.prefix("/%7eu/%41%2f").to("http://b").build());
        assertThat(r.path()).isEqualTo("/~u/A%2F");
    }

    @Test
    void new_invalidPath_throwsConfigExceptionOnPath() {
        assertThatThrownBy(() -> new Route(RouteConfig.prefix("/caf\u00e9").to("http://b").build()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("path: '/caf\u00e9': invalid character in path");
    }

    @Test
    void new_invalidRewriteTo_throwsConfigExceptionOnRewriteTo() {
        assertThatThrownBy(() -> new Route(RouteConfig.prefix("/a").to("http://b").replacePrefix("/x?y").build()))
                .isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("rewriteTo");
    }

    @Test
    void accessors_exposeConfig() {
        RouteConfig config = RouteConfig.prefix("/api").id("api").to("http://backend:8080").maxRequestBodyBytes(42)
                .build();
        Route r = new Route(config);
        assertThat(r.config()).isSameAs(config);
        assertThat(r.id()).isEqualTo("api");
        assertThat(r.upstream()).isSameAs(config.upstream());
        assertThat(r.pathMatch()).isEqualTo(RouteConfig.PathMatch.PREFIX);
        assertThat(r.maxRequestBodyBytes(1000)).isEqualTo(42);
    }

    @Test
    void maxRequestBodyBytes_unset_usesDefault() {
        Route r = new Route(RouteConfig.prefix("/").to("http://b").build());
        assertThat(r.maxRequestBodyBytes(1000)).isEqualTo(1000);
        Route zero = new Route(RouteConfig.prefix("/").to("http://b").maxRequestBodyBytes(0).build());
        assertThat(zero.maxRequestBodyBytes(1000)).isZero();
    }
}
