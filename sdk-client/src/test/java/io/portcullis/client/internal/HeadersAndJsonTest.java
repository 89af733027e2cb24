package io.portcullis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.client.RateLimitInfo;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parsers the client relies on: rate-limit headers, Retry-After, JSON, the retry budget. */
class HeadersAndJsonTest {
    private static HttpHeaders headers(Map<String, List<String>> m) {
        return HttpHeaders.of(m, (a, b) -> true);
    }

    @Test
    void rateLimitHeaders_joinPolicyAndStateByName() {
        HttpHeaders h = headers(Map.of(
                "RateLimit-Policy", List.of("\"api\";q=100;w=60, \"burst\";q=10;w=1"),
                "RateLimit", List.of("\"api\";r=0;t=20, \"burst\";r=3;t=1")));
        List<RateLimitInfo> limits = RateLimitHeaders.limits(h);
        assertThat(limits).containsExactly(
                new RateLimitInfo("api", 100, Duration.ofSeconds(60), 0, Duration.ofSeconds(20)),
                new RateLimitInfo("burst", 10, Duration.ofSeconds(1), 3, Duration.ofSeconds(1)));
        assertThat(RateLimitHeaders.exhaustedReset(limits)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void rateLimitHeaders_toleratesGarbage() {
        HttpHeaders h = headers(Map.of("RateLimit", List.of("\"a,b\";r=x;t=;pk=:abc:, ;;, \"c\";r=1")));
        assertThat(RateLimitHeaders.limits(h)).extracting(RateLimitInfo::name).containsExactly("a,b", "c");
    }

    @Test
    void retryAfter_secondsOrHttpDate() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RateLimitHeaders.retryAfter(headers(Map.of("Retry-After", List.of("7"))), now)).hasSeconds(7);
        assertThat(RateLimitHeaders.retryAfter(headers(Map.of("Retry-After", List.of("Thu, 01 Jan 2026 00:00:30 GMT"))), now))
                .hasSeconds(30);
        assertThat(RateLimitHeaders.retryAfter(headers(Map.of("Retry-After", List.of("soon"))), now)).isNull();
        assertThat(RateLimitHeaders.retryAfter(headers(Map.of("Retry-After", List.of("-1"))), now)).isNull();
    }

    @Test
    void miniJson_parsesAndRefuses() {
        assertThat(MiniJson.parse("{\"a\":[1,2.5,\"x\\u00e9\\n\"],\"b\":{\"c\":null,\"d\":true}}"))
                .isEqualTo(Map.of("a", List.of(1L, 2.5, "x\u00e9\n"), "b", mapWithNull()));
        assertThatThrownBy(() -> MiniJson.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MiniJson.parse("[1] x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MiniJson.parse("[".repeat(100))).isInstanceOf(IllegalArgumentException.class);
        assertThat(MiniJson.parseObjectOrNull("[1]")).isNull();
        assertThat(MiniJson.quote("a\"b\\c\u0001")).isEqualTo("\"a\\\"b\\\\c\\u0001\"");
    }

    private static Map<String, Object> mapWithNull() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("c", null);
        m.put("d", true);
        return m;
    }

    @Test
    void retryBudget_depositsAFractionPerCall() {
        RetryBudget budget = new RetryBudget(0.5, 2);
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isFalse();
        budget.deposit();
        assertThat(budget.tryWithdraw()).isFalse();
        budget.deposit();
        assertThat(budget.tryWithdraw()).isTrue();
    }
}
