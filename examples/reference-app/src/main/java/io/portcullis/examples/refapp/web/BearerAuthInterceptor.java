package io.portcullis.examples.refapp.web;

import io.portcullis.examples.refapp.keys.AccessTokens;
import io.portcullis.examples.refapp.sessions.SessionRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates the protected paths. The app does not take identity from the gateway on trust:
 * it verifies the access token the gateway forwards (its own signature, issuer, audience, expiry)
 * and that the token's session is still open, so a revoked session stops working at once even
 * while the token is unexpired. The gateway's {@code X-User-Id} / {@code X-User-Roles}, when
 * present, must agree with the token: a mismatch means a forged header got through, and is refused.
 */
@Component
public class BearerAuthInterceptor implements HandlerInterceptor {
    static final String CALLER = BearerAuthInterceptor.class.getName() + ".caller";
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"refapp\"");
    private static final Map<String, String> INVALID = Map.of("WWW-Authenticate", "Bearer realm=\"refapp\", error=\"invalid_token\"");

    private final AccessTokens tokens;
    private final SessionRepository sessions;
    private final ClientInfoResolver clients;
    private final Clock clock;

    public BearerAuthInterceptor(AccessTokens tokens, SessionRepository sessions, ClientInfoResolver clients, Clock clock) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.clients = clients;
        this.clock = clock;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if ("OPTIONS".equals(request.getMethod())) {
            return true;
        }
        List<String> authorization = Collections.list(request.getHeaders("Authorization"));
        if (authorization.isEmpty()) {
            throw ApiProblem.withHeaders(ApiProblem.Kind.UNAUTHENTICATED, CHALLENGE);
        }
        String value = authorization.get(0);
        if (authorization.size() > 1 || value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiProblem.withHeaders(ApiProblem.Kind.UNAUTHENTICATED, INVALID);
        }
        Optional<AccessTokens.Claims> claims = tokens.verify(value.substring(7).trim());
        if (claims.isEmpty()) {
            throw ApiProblem.withHeaders(ApiProblem.Kind.UNAUTHENTICATED, INVALID);
        }
        AccessTokens.Claims c = claims.get();
        boolean open = sessions.find(c.sessionId())
                .filter(s -> s.userId().equals(c.subject()) && s.activeAt(clock.instant()))
                .isPresent();
        if (!open || !agrees(request.getHeader("X-User-Id"), c.subject())
                || !agrees(request.getHeader("X-User-Roles"), String.join(",", new TreeSet<>(c.roles())))) {
            throw ApiProblem.withHeaders(ApiProblem.Kind.UNAUTHENTICATED, INVALID);
        }
        Caller caller = new Caller(c.subject(), c.roles(), c.scopes(), c.sessionId(), clients.clientIp(request));
        if (handler instanceof HandlerMethod m) {
            RequiresRole required = m.getMethodAnnotation(RequiresRole.class);
            if (required == null) {
                required = m.getBeanType().getAnnotation(RequiresRole.class);
            }
            if (required != null && Arrays.stream(required.value()).noneMatch(caller::has)) {
                throw ApiProblem.of(ApiProblem.Kind.FORBIDDEN);
            }
        }
        request.setAttribute(CALLER, caller);
        return true;
    }

    /** A gateway header, when present, must say what the token says (the gateway joins roles with commas). */
    private static boolean agrees(String header, String expected) {
        if (header == null) {
            return true;
        }
        TreeSet<String> got = new TreeSet<>();
        for (String part : header.split(",")) {
            if (!part.isBlank()) {
                got.add(part.trim());
            }
        }
        TreeSet<String> want = new TreeSet<>();
        for (String part : expected.split(",")) {
            if (!part.isBlank()) {
                want.add(part.trim());
            }
        }
        return got.equals(want);
    }
}
