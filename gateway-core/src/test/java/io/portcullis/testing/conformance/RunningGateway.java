package io.portcullis.testing.conformance;

import java.net.InetSocketAddress;

/** A started gateway of some face, as the conformance suite sees it. */
public interface RunningGateway extends AutoCloseable {

    /** The bound address of a listener, by its name in the {@link GatewayIntent}. */
    InetSocketAddress address(String listenerName);

    /**
     * Stops the gateway the way the face does in production (builder: {@code Gateway.close()};
     * server: {@code PortcullisServer.close()}; Spring: closing the application context), which
     * drains in-flight requests. Returns once stopped.
     */
    @Override
    void close();
}
