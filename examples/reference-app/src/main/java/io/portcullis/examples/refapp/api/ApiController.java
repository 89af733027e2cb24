package io.portcullis.examples.refapp.api;

import io.portcullis.examples.refapp.sessions.SessionRepository;
import io.portcullis.examples.refapp.users.User;
import io.portcullis.examples.refapp.users.UserRepository;
import io.portcullis.examples.refapp.web.ApiProblem;
import io.portcullis.examples.refapp.web.ApiProblem.Kind;
import io.portcullis.examples.refapp.web.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 000's API under {@code /v1}; every call needs an access token (see {@code WebConfig}). */
@RestController
@RequestMapping("/v1")
public class ApiController {
    static final int MAX_BATCH = 20;

    private final ChatRepository chats;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final Clock clock;

    public ApiController(ChatRepository chats, UserRepository users, SessionRepository sessions, Clock clock) {
        this.chats = chats;
        this.users = users;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** A prompt and an optional style (concise, detailed, creative). */
    public record PromptRequest(String prompt, String style) {
    }

    /** One chat message. */
    public record ChatRequest(String message) {
    }

    /** Several prompts enhanced in one call. */
    public record BatchRequest(List<PromptRequest> prompts) {
    }

    /** The chat reply. */
    public record ChatReply(String reply, Instant at) {
    }

    /** The caller's account. */
    public record Me(String id, String email, boolean verified, List<String> roles, boolean twoFactorEnabled,
                     Instant createdAt, long activeSessions) {
    }

    @PostMapping("/prompt")
    public PromptEnhancer.Enhanced prompt(@RequestBody PromptRequest body, Caller caller) {
        return PromptEnhancer.enhance(prompt(body), body.style());
    }

    @PostMapping("/chat")
    public ChatReply chat(@RequestBody ChatRequest body, Caller caller) {
        String message = body.message();
        if (message == null || message.isBlank() || message.length() > PromptEnhancer.MAX_PROMPT_CHARS) {
            throw ApiProblem.of(Kind.INVALID_REQUEST, "message: 1 to " + PromptEnhancer.MAX_PROMPT_CHARS + " characters");
        }
        Instant now = clock.instant();
        chats.add(caller.userId(), "user", message, now);
        String reply = "Here is a sharper version of your request:\n" + PromptEnhancer.enhance(message, "concise").enhanced();
        chats.add(caller.userId(), "assistant", reply, now);
        return new ChatReply(reply, now);
    }

    @GetMapping("/chat/history")
    public Map<String, Object> history(@RequestParam(name = "limit", defaultValue = "50") int limit, Caller caller) {
        int n = Math.max(1, Math.min(limit, 200));
        return Map.of("messages", chats.latest(caller.userId(), n));
    }

    @GetMapping("/users/me")
    public Me me(Caller caller) {
        User u = users.findById(caller.userId()).orElseThrow(() -> ApiProblem.of(Kind.UNAUTHENTICATED));
        Instant now = clock.instant();
        long active = sessions.findByUser(u.id()).stream().filter(s -> s.activeAt(now)).count();
        return new Me(u.id(), u.email(), u.verified(), u.roles().stream().map(r -> r.id()).sorted().toList(),
                u.totpEnabled(), u.createdAt(), active);
    }

    @PostMapping("/batch")
    public Map<String, Object> batch(@RequestBody BatchRequest body, Caller caller) {
        if (body.prompts() == null || body.prompts().isEmpty() || body.prompts().size() > MAX_BATCH) {
            throw ApiProblem.of(Kind.INVALID_REQUEST, "prompts: 1 to " + MAX_BATCH + " entries");
        }
        List<PromptEnhancer.Enhanced> results = new ArrayList<>();
        for (PromptRequest p : body.prompts()) {
            results.add(PromptEnhancer.enhance(prompt(p), p.style()));
        }
        return Map.of("results", results);
    }

    private static String prompt(PromptRequest body) {
        if (body == null || body.prompt() == null || body.prompt().isBlank()
                || body.prompt().length() > PromptEnhancer.MAX_PROMPT_CHARS) {
            throw ApiProblem.of(Kind.INVALID_REQUEST, "prompt: 1 to " + PromptEnhancer.MAX_PROMPT_CHARS + " characters");
        }
        return body.prompt();
    }
}
