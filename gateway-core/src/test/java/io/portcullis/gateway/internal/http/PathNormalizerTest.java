package io.portcullis.gateway.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // percent-decoding of unreserved characters only
            "/%41,               /A",
            "/%7euser,           /~user",
            "/%7Euser,           /~user",
            "/a%2Db%5fc%2e,      /a-b_c.",
            "/%30%39%61%7A,      /09az",
            "/%2f,               /%2F",
            "/a%2fb%3a%ff,       /a%2Fb%3A%FF",
            "/%25,               /%25",
            "/%252e%252e/x,      /%252e%252e/x",
            "/%25%32%65,         /%252e",
            "/%C3%A9,            /%C3%A9",
            "/%c3%a9,            /%C3%A9",
            "/a%0db%0A,          /a%0Db%0A",
            // duplicate slashes
            "//,                 /",
            "/a//b,              /a/b",
            "///a///b///,        /a/b/",
            "//a,                /a",
            // dot segments
            "/.,                 /",
            "/..,                /",
            "/./,                /",
            "/../,               /",
            "/../a,              /a",
            "/../../a/../../b,   /b",
            "/a/.,               /a/",
            "/a/./b,             /a/b",
            "/a/..,              /",
            "/a/b/..,            /a/",
            "/a/b/../,           /a/",
            "/a/b/../c,          /a/c",
            "/a/./b/../../c/,    /c/",
            "/a/b/c/./../../g,   /a/g",
            "/a/%2e%2E/b,        /b",
            "/a/%2E/b,           /a/b",
            "/a/.%2e,            /",
            "/a//../b,           /b",
            "/a/.../b,           /a/.../b",
            "/a/..b/c,           /a/..b/c",
            "/a/b../c,           /a/b../c",
            "/a/.b,              /a/.b",
            "/a/%2e%2e%2fb,      /a/..%2Fb",
            "/a/..x;/b,          /a/..x;/b",
            "/a/b;/..,           /a/",
    })
    void normalize_rewrites(String raw, String expected) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a", "/a/b/", "/a/b/c.html", "/%2F", "/a%20b", "/%C3%A9", "/a/...", "/.well-known/x",
            "/a/.b/..c", "/a;b=c,d", "/~u/!$&'()*+,;=:@", "/a|b^c{d}[e]", "/%25"})
    void normalize_alreadyNormal_returnsSameInstance(String raw) {
        String path = new String(raw); // a fresh instance, so identity means "not copied"
        assertThat(PathNormalizer.normalize(path)).isSameAs(path);
    }

    @ParameterizedTest(name = "[{index}] <{0}>: {1}")
    @CsvSource(delimiter = '|', value = {
            "|path must start with /",
            "a/b|path must start with /",
            "*|path must start with /",
            "http://h/a|path must start with /",
            "/%00|encoded NUL in path",
            "/a/%00/../b|encoded NUL in path",
            "/%zz|invalid percent-encoding in path",
            "/%4|invalid percent-encoding in path",
            "/%|invalid percent-encoding in path",
            "/a%2|invalid percent-encoding in path",
            "/%g0|invalid percent-encoding in path",
            "/%0g|invalid percent-encoding in path",
            "/%41%zz|invalid percent-encoding in path",
            "/a/..;/b|path parameters on a dot segment (/..;/) are ambiguous",
            "/a/.;x/b|path parameters on a dot segment (/..;/) are ambiguous",
            "/a/%2e%2e;/b|path parameters on a dot segment (/..;/) are ambiguous",
            "/a//..;/b|path parameters on a dot segment (/..;/) are ambiguous",
    })
    void normalize_invalid_throws(String raw, String message) {
        String path = raw == null ? "" : raw;
        assertThatThrownBy(() -> PathNormalizer.normalize(path))
                .isInstanceOf(InvalidRequestException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"/a b", "/a\\b", "/a\\..\\b", "/%41 ", "/a?b", "/a#b", "/\u00e9", "/a\u007f", "/a\tb",
            "/a\rb", "/a\nb", "/\u0000", "//a\u0085", "/a/\u0001", "/%2e%2e/\u0100", "/a\u2028"})
    void normalize_rawForbiddenCharacter_throws(String path) {
        assertThatThrownBy(() -> PathNormalizer.normalize(path))
                .isInstanceOf(InvalidRequestException.class).hasMessage("invalid character in path");
    }

    @Test
    void normalize_null_throws() {
        assertThatThrownBy(() -> PathNormalizer.normalize(null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void normalize_fastPaths_doNotAllocate() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        String[] paths = {"/api/v1/users/123/profile", "/static/app.min.js", "/a%2Fb/%C3%A9", "/"};
        String[] hosts = {"api.example.com", "[::1]", "localhost"};
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += PathNormalizer.normalize(paths[i & 3]).length() + PathNormalizer.normalizeHost(hosts[i % 3]).length();
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += PathNormalizer.normalize(paths[i & 3]).length() + PathNormalizer.normalizeHost(hosts[i % 3]).length();
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).isLessThan(20_000);
    }

    @Test
    void normalize_isIdempotent() {
        String[] samples = {"/a/%2e%2E/b", "//x//y/./z/..", "/%7e%41/%2f/", "/../a/./b/../c//"};
        for (String s : samples) {
            String once = PathNormalizer.normalize(s);
            assertThat(PathNormalizer.normalize(once)).as(s).isSameAs(once);
        }
    }

    @Test
    void invalidRequestException_hasNoStackTrace() {
        assertThat(new InvalidRequestException("x").getStackTrace()).isEmpty();
    }

    @ParameterizedTest(name = "<{0}> -> {1}")
    @CsvSource({
            "example.com,             example.com",
            "Example.COM,             example.com",
            "example.com:8080,        example.com",
            "EXAMPLE.com:443,         example.com",
            "example.com.,            example.com",
            "Example.com.:80,         example.com",
            "localhost,               localhost",
            "a-b.c-d.example,         a-b.c-d.example",
            "10.0.0.1,                10.0.0.1",
            "10.0.0.1:1,              10.0.0.1",
            "10.0.0.1:65535,          10.0.0.1",
            "[::1],                   [::1]",
            "[::1]:443,               [::1]",
            "[2001:DB8::A],           [2001:db8::a]",
            "[::ffff:1.2.3.4]:8443,   [::ffff:1.2.3.4]",
            "x:00080,                 x",
    })
    void normalizeHost_valid_returnsLowerCaseHostWithoutPort(String value, String expected) {
        assertThat(PathNormalizer.normalizeHost(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "a", "10.0.0.1", "[::1]", "[2001:db8::1]"})
    void normalizeHost_alreadyNormal_returnsSameInstance(String value) {
        String host = new String(value);
        assertThat(PathNormalizer.normalizeHost(host)).isSameAs(host);
    }

    @Test
    void normalizeHost_empty_returnsEmpty() {
        assertThat(PathNormalizer.normalizeHost("")).isEmpty();
    }

    @Test
    void normalizeHost_nonStringCharSequence_works() {
        assertThat(PathNormalizer.normalizeHost(new StringBuilder("Api.Example.com:8443"))).isEqualTo("api.example.com");
        assertThat(PathNormalizer.normalizeHost(new StringBuilder("api.example.com"))).isEqualTo("api.example.com");
    }

    @Test
    void normalizeHost_null_throwsMissing() {
        assertThatThrownBy(() -> PathNormalizer.normalizeHost(null))
                .isInstanceOf(InvalidRequestException.class).hasMessage("missing Host header");
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {":80", "exa_mple.com", "example.com:", "example.com:0", "example.com:65536",
            "example.com:123456", "example.com:8o", "example.com:-1", "example.com:80:80", "example..com",
            ".example.com", ".", "..", "exa mple.com", " example.com", "example.com ", "ex%41mple.com",
            "user@example.com", "example.com/", "exämple.com", "[::1", "::1", "[::1]x", "[::1]:", "[::1]:0",
            "[]", "[:::]", "[::g]", "[fe80::1%25eth0]", "[1.2.3.4]", "[::1]]", "a\tb", "*.example.com",
            "example.com\u0000"})
    void normalizeHost_invalid_throws(String value) {
        assertThatThrownBy(() -> PathNormalizer.normalizeHost(value))
                .isInstanceOf(InvalidRequestException.class).hasMessage("invalid Host header");
    }

    @Test
    void normalizeHost_tooLong_throws() {
        String label = "a".repeat(63);
        String host253 = label + "." + label + "." + label + "." + "a".repeat(61);
        assertThat(host253).hasSize(253);
        assertThat(PathNormalizer.normalizeHost(host253 + ".:80")).isEqualTo(host253);
        assertThatThrownBy(() -> PathNormalizer.normalizeHost(host253 + "a"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @ParameterizedTest(name = "<{0}>")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "/|null|/|null",
            "/a/b|null|/a/b|null",
            "/a?x=1&y=2|null|/a|x=1&y=2",
            "/a?|null|/a|''",
            "/a?b?c|null|/a|b?c",
            "/a?q=%ZZ/..|null|/a|q=%ZZ/..",
            "//evil.example/x|null|//evil.example/x|null",
            "*|null|*|null",
            "http://example.com/a?b|example.com|/a|b",
            "http://example.com|example.com|/|null",
            "http://example.com?x|example.com|/|x",
            "https://Example.com:8443/p|Example.com:8443|/p|null",
            "HTTP://h/|h|/|null",
            "HtTpS://[::1]:443/a|[::1]:443|/a|null",
    })
    void parseTarget_validForms_split(String uri, String authority, String path, String query) {
        RequestTarget t = PathNormalizer.parseTarget(uri);
        assertThat(t).isEqualTo(new RequestTarget(authority, path, query));
    }

    @Test
    void parseTarget_originFormWithoutQuery_keepsInstance() {
        String uri = new String("/a/b");
        assertThat(PathNormalizer.parseTarget(uri).rawPath()).isSameAs(uri);
        assertThat(PathNormalizer.parseTarget("*").isAsterisk()).isTrue();
        assertThat(PathNormalizer.parseTarget("/*").isAsterisk()).isFalse();
    }

    @ParameterizedTest(name = "[{index}] <{0}>: {1}")
    @CsvSource(delimiter = '|', value = {
            "|empty request target",
            "example.com:443|unsupported request target form",
            "a/b|unsupported request target form",
            "**|unsupported request target form",
            "ftp://example.com/|unsupported request target form",
            "http:/example.com/|unsupported request target form",
            "/#x|fragment in request target",
            "/a#b|fragment in request target",
            "/a?b#c|fragment in request target",
            "http://example.com#x|fragment in request target",
            "http://example.com/a#x|fragment in request target",
            "http:///a|missing authority in request target",
            "http://?x|missing authority in request target",
            "http://user:pw@example.com/|user info in request target",
            "http://exa mple.com/|invalid Host header",
            "http://example.com:0/|invalid Host header",
    })
    void parseTarget_invalid_throws(String uri, String message) {
        String target = uri == null ? "" : uri;
        assertThatThrownBy(() -> PathNormalizer.parseTarget(target))
                .isInstanceOf(InvalidRequestException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"/a?b c", "/a?b\tc", "/a?\u00e9", "/a?x\u007f", "http://h/?x\u0001", "/?\r\n"})
    void parseTarget_rawForbiddenCharacterInQuery_throws(String uri) {
        assertThatThrownBy(() -> PathNormalizer.parseTarget(uri))
                .isInstanceOf(InvalidRequestException.class).hasMessage("invalid character in query");
    }

    @Test
    void parseTarget_null_throws() {
        assertThatThrownBy(() -> PathNormalizer.parseTarget(null)).isInstanceOf(InvalidRequestException.class);
    }
}
