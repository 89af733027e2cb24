package io.portcullis.gateway.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.RouteConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private static RouteConfig.Builder prefix(String id, String path) {
        return RouteConfig.prefix(path).id(id).to("http://" + id.replace('_', '-') + ":8080");
    }

    private static RouteConfig.Builder exact(String id, String path) {
        return RouteConfig.exact(path).id(id).to("http://" + id.replace('_', '-') + ":8080");
    }

    private static Router router(RouteConfig.Builder... routes) {
        return Router.compile(Arrays.stream(routes).map(RouteConfig.Builder::build).toList());
    }

    /** The id of the route found, or "-" for none. */
    private static String find(Router router, String host, String path, String method) {
        Route r = router.find(host, path, method);
        return r == null ? "-" : r.id();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/,              root",
            "/x,             root",
            "/api,           api_exact",
            "/api/,          api",
            "/api/x,         api",
            "/apix,          root",
            "/api/v1,        v1",
            "/api/v1/,       v1",
            "/api/v1/users,  v1",
            "/api/v1x,       api",
            "/api/v2/users,  api",
            "/api/v1/users/me, me_exact",
            "/api/v1/users/me/, v1",
            "/static/,       static_dir",
            "/static/a.css,  static_dir",
            "/static,        root",
    })
    void find_pathPrecedence_exactThenLongestSegmentPrefix(String path, String expected) {
        Router r = router(
                prefix("root", "/"),
                prefix("api", "/api"),
                exact("api_exact", "/api"),
                prefix("v1", "/api/v1"),
                exact("me_exact", "/api/v1/users/me"),
                prefix("static_dir", "/static/"));
        assertThat(find(r, null, path, "GET")).isEqualTo(expected);
    }

    @Test
    void find_slashAndNoSlashPrefixes_longerWins() {
        Router r = router(prefix("bare", "/api"), prefix("slash", "/api/"));
        assertThat(find(r, null, "/api", "GET")).isEqualTo("bare");
        assertThat(find(r, null, "/api/", "GET")).isEqualTo("slash");
        assertThat(find(r, null, "/api/x", "GET")).isEqualTo("slash");
    }

    @Test
    void find_noRootRoute_unmatchedPathIsNull() {
        Router r = router(prefix("api", "/api"), exact("x", "/x"));
        assertThat(find(r, null, "/", "GET")).isEqualTo("-");
        assertThat(find(r, null, "/apix", "GET")).isEqualTo("-");
        assertThat(find(r, null, "/x/", "GET")).isEqualTo("-");
        assertThat(find(r, null, "*", "OPTIONS")).isEqualTo("-");
        assertThat(find(r, null, "", "GET")).isEqualTo("-");
    }

    @Test
    void find_emptyRouter_returnsNull() {
        assertThat(Router.compile(List.of()).find("a.com", "/", "GET")).isNull();
        assertThat(Router.compile(null).find(null, "/", "GET")).isNull();
    }

    @Test
    void find_routePathWithEscapes_matchesNormalizedRequest() {
        Router r = router(prefix("tilde", "/%7euser"));
        assertThat(find(r, null, "/~user/x", "GET")).isEqualTo("tilde");
    }

    @ParameterizedTest(name = "host {0} -> {1}")
    @CsvSource(nullValues = "null", value = {
            "api.example.com,      exact",
            "www.example.com,      wild",
            "a.b.example.com,      wild",
            "x.deep.example.com,   deep_wild",
            "y.x.deep.example.com, deep_wild",
            "deep.example.com,     wild",
            "example.com,          any",
            "other.org,            any",
            "notexample.com,       any",
            "xexample.com,         any",
            "'',                   any",
            "null,                 any",
            "10.0.0.1,             ip",
            "[::1],                ip6",
    })
    void find_hostPrecedence_exactThenLongestWildcardThenAny(String host, String expected) {
        Router r = router(
                prefix("any", "/"),
                prefix("exact", "/").host("api.example.com"),
                prefix("wild", "/").host("*.example.com"),
                prefix("deep_wild", "/").host("*.deep.example.com"),
                prefix("ip", "/").host("10.0.0.1"),
                prefix("ip6", "/").host("[::1]"));
        assertThat(find(r, host, "/x", "GET")).isEqualTo(expected);
    }

    @Test
    void find_chosenHostGroupWithoutMatch_doesNotFallBack() {
        Router r = router(
                prefix("any_root", "/"),
                prefix("users", "/users").host("api.example.com"),
                prefix("wild_admin", "/admin").host("*.example.com"),
                prefix("deep_root", "/").host("*.deep.example.com").methods("POST"));
        assertThat(find(r, "api.example.com", "/users/1", "GET")).isEqualTo("users");
        assertThat(find(r, "api.example.com", "/other", "GET")).isEqualTo("-");
        assertThat(find(r, "api.example.com", "/admin", "GET")).isEqualTo("-");
        assertThat(find(r, "www.example.com", "/admin", "GET")).isEqualTo("wild_admin");
        assertThat(find(r, "www.example.com", "/users", "GET")).isEqualTo("-");
        // the longer wildcard's group is chosen even if its only route excludes the method
        assertThat(find(r, "a.deep.example.com", "/admin", "GET")).isEqualTo("-");
        assertThat(find(r, "a.deep.example.com", "/admin", "POST")).isEqualTo("deep_root");
        assertThat(find(r, "other.org", "/users", "GET")).isEqualTo("any_root");
    }

    @Test
    void find_noAnyHostRoutes_unknownHostIsNull() {
        Router r = router(prefix("a", "/").host("a.example.com"));
        assertThat(find(r, "b.example.com", "/", "GET")).isEqualTo("-");
        assertThat(find(r, null, "/", "GET")).isEqualTo("-");
        assertThat(find(r, "", "/", "GET")).isEqualTo("-");
    }

    @Test
    void find_routeWithSeveralHosts_servesEach() {
        Router r = router(prefix("multi", "/").host("a.com", "*.b.com", "A.com"), prefix("any", "/"));
        assertThat(find(r, "a.com", "/", "GET")).isEqualTo("multi");
        assertThat(find(r, "x.b.com", "/", "GET")).isEqualTo("multi");
        assertThat(find(r, "b.com", "/", "GET")).isEqualTo("any");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "GET,    /items,    items_read",
            "HEAD,   /items,    items_read",
            "POST,   /items,    items_write",
            "DELETE, /items,    items_any",
            "null,   /items,    items_any",
            "get,    /items,    items_any",
            "GET,    /items/1,  items_read",
            "PUT,    /items/1,  items_any",
            "GET,    /upload,   root",
            "POST,   /upload,   upload_post",
            "POST,   /upload/x, upload_post",
            "GET,    /upload/x, root",
            "GET,    /exact,    exact_get",
            "POST,   /exact,    exact_prefix",
            "POST,   /exact/x,  exact_prefix",
            "GET,    /only/x,   only_get",
            "DELETE, /only/x,   root",
    })
    void find_methods_specificBeatsAnyAndExcludedRoutesAreSkipped(String method, String path, String expected) {
        Router r = router(
                prefix("root", "/"),
                prefix("items_read", "/items").methods("GET", "HEAD"),
                prefix("items_write", "/items").methods("POST"),
                prefix("items_any", "/items"),
                prefix("upload_post", "/upload").methods("POST"),
                exact("exact_get", "/exact").methods("GET"),
                prefix("exact_prefix", "/exact"),
                prefix("only_get", "/only").methods("GET"));
        assertThat(find(r, null, path, method)).isEqualTo(expected);
    }

    @Test
    void compile_sameHostPathTypeWithoutMethods_conflicts() {
        List<RouteConfig> routes = List.of(
                prefix("a", "/api").build(),
                prefix("b", "/other").build(),
                prefix("c", "/api").build());
        assertThatThrownBy(() -> Router.compile(routes)).isInstanceOf(ConfigException.class)
                .hasMessage("routes[2]: conflicts with routes[0] ('a'): both match any host, PREFIX path '/api' and any method")
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("routes[2]");
    }

    @Test
    void compile_overlappingMethods_conflicts() {
        List<RouteConfig> routes = List.of(
                exact("a", "/x").host("h.com").methods("GET", "POST").build(),
                exact("b", "/x").host("h.com").methods("PUT", "POST", "GET").build());
        assertThatThrownBy(() -> Router.compile(routes))
                .hasMessage("routes[1]: conflicts with routes[0] ('a'): both match host 'h.com', EXACT path '/x'"
                        + " and methods [GET, POST]");
    }

    @Test
    void compile_wildcardHostConflict_namesWildcard() {
        List<RouteConfig> routes = List.of(
                prefix("a", "/").host("*.h.com", "x.org").build(),
                prefix("b", "/").host("y.org", "*.H.com").build());
        assertThatThrownBy(() -> Router.compile(routes))
                .hasMessageStartingWith("routes[1]: conflicts with routes[0] ('a'): both match host '*.h.com'");
    }

    @Test
    void compile_pathsEqualAfterNormalization_conflict() {
        List<RouteConfig> routes = List.of(prefix("a", "/~u").build(), prefix("b", "/%7Eu").build());
        assertThatThrownBy(() -> Router.compile(routes)).hasMessageContaining("routes[1]: conflicts with routes[0]");
    }

    @Test
    void compile_nonConflictingNeighbours_areAccepted() {
        Router r = router(
                prefix("p", "/api"),
                exact("e", "/api"),
                prefix("slash", "/api/"),
                prefix("get", "/api").methods("GET"),
                prefix("post", "/api").methods("POST"),
                prefix("other_host", "/api").host("a.com"),
                prefix("wild_host", "/api").host("*.a.com"));
        assertThat(r.routes()).extracting(Route::id)
                .containsExactly("p", "e", "slash", "get", "post", "other_host", "wild_host");
    }

    @Test
    void compile_hostListedTwiceInOneRoute_isNoConflict() {
        Router r = router(prefix("a", "/").host("a.com", "A.COM"));
        assertThat(find(r, "a.com", "/", "GET")).isEqualTo("a");
    }

    @Test
    void compile_badRoutePath_namesIndexAndField() {
        List<RouteConfig> routes = List.of(prefix("a", "/").build(), prefix("b", "/caf\u00e9").build());
        assertThatThrownBy(() -> Router.compile(routes)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("routes[1].path");
    }

    @Test
    void compile_badIpv6Host_namesHostIndex() {
        List<RouteConfig> routes = List.of(prefix("a", "/").host("a.com", "[not-v6]").build());
        assertThatThrownBy(() -> Router.compile(routes)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("routes[0].hosts[1]");
    }

    @Test
    void compile_nullEntry_namesIndex() {
        List<RouteConfig> routes = new ArrayList<>();
        routes.add(prefix("a", "/").build());
        routes.add(null);
        assertThatThrownBy(() -> Router.compile(routes)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("routes[1]");
    }

    @Test
    void find_manyRoutes_matchesLinearReference() {
        // Cross-check the hash-based lookup against Route.matchesPath on a grid of paths.
        List<RouteConfig> configs = new ArrayList<>();
        String[] segs = {"a", "b", "ab", "ba"};
        for (String s1 : segs) {
            configs.add(RouteConfig.prefix("/" + s1).id("p_" + s1).to("http://b").build());
            for (String s2 : segs) {
                configs.add(RouteConfig.prefix("/" + s1 + "/" + s2).id("p_" + s1 + "_" + s2).to("http://b").build());
                configs.add(RouteConfig.exact("/" + s1 + "/" + s2 + "/").id("e_" + s1 + "_" + s2).to("http://b").build());
            }
        }
        Router router = Router.compile(configs);
        List<String> paths = new ArrayList<>();
        for (String s1 : segs) {
            paths.add("/" + s1);
            paths.add("/" + s1 + "x");
            for (String s2 : segs) {
                paths.add("/" + s1 + "/" + s2);
                paths.add("/" + s1 + "/" + s2 + "/");
                paths.add("/" + s1 + "/" + s2 + "/c");
                paths.add("/" + s1 + "/" + s2 + "c");
            }
        }
        for (String path : paths) {
            Route expected = null;
            for (Route r : router.routes()) {
                if (r.matchesPath(path) && (expected == null || better(r, expected))) {
                    expected = r;
                }
            }
            assertThat(router.find(null, path, "GET")).as(path).isSameAs(expected);
        }
    }

    private static boolean better(Route a, Route b) {
        boolean aExact = a.pathMatch() == RouteConfig.PathMatch.EXACT;
        boolean bExact = b.pathMatch() == RouteConfig.PathMatch.EXACT;
        return aExact != bExact ? aExact : a.path().length() > b.path().length();
    }

    @Test
    void find_doesNotAllocate() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        Router r = router(
                prefix("root", "/"),
                prefix("api", "/api").methods("GET"),
                prefix("v1", "/api/v1/"),
                exact("e", "/api/v1/x"),
                prefix("wild", "/").host("*.example.com"),
                prefix("exact_host", "/users").host("api.example.com"));
        String[][] requests = {
                {null, "/api/v1/users/123/profile", "GET"},
                {"a.b.example.com", "/anything/here", "POST"},
                {"api.example.com", "/users/1", "GET"},
                {"unknown.org", "/api/v1/x", "GET"},
                {"unknown.org", "/api/v2", "DELETE"},
        };
        long sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up (and let the JIT settle)
            String[] q = requests[i % requests.length];
            sink += r.find(q[0], q[1], q[2]).id().length();
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            String[] q = requests[i % requests.length];
            sink += r.find(q[0], q[1], q[2]).id().length();
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(sink).isPositive();
        // well under one byte per lookup: only the measurement itself may allocate
        assertThat(allocated).isLessThan(20_000);
    }
}
