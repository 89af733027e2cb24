package io.portcullis.testing;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import java.util.function.Function;

/**
 * A started gateway with a cleartext listener {@code http} on 127.0.0.1 in front of a fresh
 * {@link TestUpstream}: the setup most end-to-end test classes share. Close it in {@code @AfterAll}.
 */
public final class GatewayFixture implements AutoCloseable {
    public final TestUpstream upstream;
    public final Gateway gateway;

    private GatewayFixture(TestUpstream upstream, Gateway gateway) {
        this.upstream = upstream;
        this.gateway = gateway;
    }

    /** Starts an upstream, then a gateway configured by {@code routes} (given the upstream) plus the {@code http} listener. */
    public static GatewayFixture start(Function<TestUpstream, Gateway.Builder> routes) {
        TestUpstream upstream = TestUpstream.start();
        try {
            Gateway gateway = routes.apply(upstream)
                    .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                    .build();
            gateway.start();
            return new GatewayFixture(upstream, gateway);
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    /** The port of the {@code http} listener. */
    public int port() {
        return gateway.address("http").getPort();
    }

    /** Sends one raw request on a new connection and reads one framed response. */
    public RawHttp.Result exchange(String request) throws Exception {
        try (RawHttp raw = new RawHttp("127.0.0.1", port())) {
            return raw.send(request).readResponse();
        }
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
    }
}
