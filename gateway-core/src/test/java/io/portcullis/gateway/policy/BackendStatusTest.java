package io.portcullis.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link Gateway#backends()}: what the running configuration's providers registered as backends, live, until close. */
class BackendStatusTest {

    /** A plugin with a client of its own: registers it to be closed, and as a backend. */
    static final class WithClient implements PolicyProvider {
        final AtomicBoolean reachable = new AtomicBoolean(true);
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public String type() {
            return "with-client";
        }

        @Override
        public Policy create(PolicySpec spec, ProviderContext context) {
            context.closeOnShutdown(new Client());
            context.closeOnShutdown(() -> { }); // a plain resource: not a backend
            return ctx -> Decision.proceed();
        }

        final class Client implements AutoCloseable, BackendStatus {
            @Override
            public String type() {
                return "directory";
            }

            @Override
            public String name() {
                return "ldap://127.0.0.1:389";
            }

            @Override
            public boolean up() {
                return reachable.get() && !closed.get();
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
    }

    @Test
    void backendsAreListedWithTheirCurrentStateUntilTheGatewayCloses() {
        WithClient provider = new WithClient();
        Gateway gateway = Gateway.builder().policyProvider(provider)
                .listener(ListenerConfig.http(0).bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9").policy(PolicySpec.of("with-client")).build())
                .build();
        try {
            gateway.start();
            assertThat(gateway.backends()).singleElement().satisfies(b -> {
                assertThat(b.type()).isEqualTo("directory");
                assertThat(b.name()).isEqualTo("ldap://127.0.0.1:389");
                assertThat(b.up()).isTrue();
            });
            provider.reachable.set(false);
            assertThat(gateway.backends()).singleElement().satisfies(b -> assertThat(b.up()).isFalse());
        } finally {
            gateway.close();
        }
        assertThat(provider.closed).isTrue();
        assertThat(gateway.backends()).isEmpty();
    }

    @Test
    void noBackendsWithoutProvidersThatHaveThem() {
        try (Gateway gateway = Gateway.builder().listener(ListenerConfig.http(0).bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:9").build()).build()) {
            assertThat(gateway.backends()).isEmpty();
        }
    }
}
