package io.portcullis.gateway.policy;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Policies used by the policy-chain tests, registered through ServiceLoader like any plugin. */
public final class TestPolicies {
    private TestPolicies() {
    }

    /** {@code test-delay}: waits {@code millis} off the event loop, then lets the request through with {@code x-delayed: yes}. */
    public static final class Delay implements PolicyProvider {
        @Override
        public String type() {
            return "test-delay";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            long millis = spec.number("millis", 200, 0, 10_000);
            boolean deny = spec.bool("deny", false);
            return ctx -> {
                CompletableFuture<Decision> later = new CompletableFuture<>();
                CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(() -> {
                    if (deny) {
                        var h = Decision.headers().set("www-authenticate", "Bearer error=\"invalid_token\"");
                        later.complete(Decision.respond(401, "a valid token is required", h));
                    } else {
                        ctx.requestHeaders().set("x-delayed", "yes");
                        later.complete(Decision.proceed());
                    }
                });
                return Decision.suspend(later);
            };
        }
    }

    /** {@code test-login}: sets a principal from the {@code x-test-user} header (401 without it). */
    public static final class Login implements PolicyProvider {
        @Override
        public String type() {
            return "test-login";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            return ctx -> {
                String user = ctx.requestHeaders().get("x-test-user");
                if (user == null) {
                    return Decision.respond(401, "who are you?");
                }
                ctx.principal(new Principal(user, null, Set.of("read"), Set.of("user"), "test"));
                return Decision.proceed();
            };
        }
    }

    /** {@code test-forward-user}: forwards the principal's subject as {@code x-user-id}; strips a forged one. */
    public static final class ForwardUser implements PolicyProvider {
        static final AttrKey<String> SEEN = AttrKey.of("seen", String.class);

        @Override
        public String type() {
            return "test-forward-user";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            return new Policy() {
                @Override
                public Decision onRequest(RequestContext ctx) {
                    ctx.requestHeaders().remove("x-user-id");
                    if (ctx.principal() != null) {
                        ctx.requestHeaders().set("x-user-id", ctx.principal().subject());
                        ctx.attr(SEEN, ctx.principal().authMethod());
                    }
                    return Decision.proceed();
                }

                @Override
                public void onResponse(RequestContext ctx, io.netty.handler.codec.http.HttpHeaders headers) {
                    String seen = ctx.attr(SEEN);
                    if (seen != null) {
                        headers.set("x-auth-method", seen);
                    }
                }
            };
        }
    }

    /** {@code test-boom}: throws, to prove a failing policy becomes a 500, not a hang. */
    public static final class Boom implements PolicyProvider {
        @Override
        public String type() {
            return "test-boom";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            return ctx -> {
                throw new IllegalStateException("boom");
            };
        }
    }
}
