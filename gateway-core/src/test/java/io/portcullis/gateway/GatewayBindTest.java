package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A listener that cannot bind fails {@link Gateway#start()} with its name and address, on every transport. */
class GatewayBindTest {
    @Test
    void aPortInUse_failsTheStartWithTheListenersName() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            for (IoTransport t : new IoTransport[] {IoTransport.IO_URING, IoTransport.EPOLL, IoTransport.NIO}) {
                if (!TransportChoiceTest.available(t)) {
                    continue; // TransportChoiceTest reports it as skipped
                }
                Gateway g = Gateway.builder().transport(t)
                        .listener(ListenerConfig.http(taken.getLocalPort()).named("busy").bind("127.0.0.1")).build();
                assertThatThrownBy(g::start).as("%s", t).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("listener 'busy' cannot bind 127.0.0.1:" + taken.getLocalPort());
                assertThat(g.isRunning()).isFalse();
            }
        }
    }
}
