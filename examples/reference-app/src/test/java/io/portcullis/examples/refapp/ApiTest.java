package io.portcullis.examples.refapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiTest extends AppTestBase {

    @Test
    void prompt_isEnhancedDeterministically() {
        String[] s = Accounts.newSession(http, mail, "prompt");
        Http.Response a = http.post("/v1/prompt", Map.of("prompt", "  how do  tides work "), s[0]);
        Http.Response b = http.post("/v1/prompt", Map.of("prompt", "  how do  tides work "), s[0]);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo(b.body());
        assertThat(a.text("enhanced")).isEqualTo("You are a careful expert assistant.\nTask: How do tides work?\n"
                + "Format: Answer in at most five sentences; use a list where it helps.");
        assertThat(http.post("/v1/prompt", Map.of("prompt", "x".repeat(4001)), s[0]).status()).isEqualTo(400);
        assertThat(http.post("/v1/prompt", Map.of("prompt", "hi"), null).status()).isEqualTo(401);
    }

    @Test
    void chatHistory_isPerUser() {
        String[] a = Accounts.newSession(http, mail, "chat-a");
        String[] b = Accounts.newSession(http, mail, "chat-b");
        assertThat(http.post("/v1/chat", Map.of("message", "first from a"), a[0]).status()).isEqualTo(200);
        http.post("/v1/chat", Map.of("message", "second from a"), a[0]);
        http.post("/v1/chat", Map.of("message", "only from b"), b[0]);

        Http.Response historyA = http.get("/v1/chat/history", a[0]);
        assertThat(historyA.json().path("messages").size()).isEqualTo(4);
        assertThat(historyA.json().path("messages").get(0).path("content").asString()).isEqualTo("first from a");
        assertThat(historyA.json().path("messages").get(1).path("role").asString()).isEqualTo("assistant");
        assertThat(historyA.body()).doesNotContain("only from b");
        assertThat(http.get("/v1/chat/history?limit=1", b[0]).json().path("messages").size()).isEqualTo(1);
    }

    @Test
    void batch_enhancesUpToTwentyPrompts() {
        String[] s = Accounts.newSession(http, mail, "batch");
        Http.Response ok = http.post("/v1/batch", Map.of("prompts", List.of(Map.of("prompt", "one"), Map.of("prompt", "two", "style", "creative"))), s[0]);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("results").size()).isEqualTo(2);
        assertThat(ok.json().path("results").get(1).path("style").asString()).isEqualTo("creative");
        List<Map<String, String>> many = Collections.nCopies(21, Map.of("prompt", "p"));
        assertThat(http.post("/v1/batch", Map.of("prompts", many), s[0]).status()).isEqualTo(400);
    }

    @Test
    void health_isPublic() {
        Http.Response r = http.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("status")).isEqualTo("UP");
    }
}
