package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.spring.app.TestApp;
import io.portcullis.testing.NettyH2Client;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The application's own start and stop: a bad property fails it by name; closing it drains the gateway first. */
@ExtendWith(OutputCaptureExtension.class)
class StartupAndShutdownTest {

    private static SpringApplicationBuilder app(String... extra) {
        List<String> p = new ArrayList<>(GatewayTestSupport.properties());
        p.add("server.port=0");
        p.addAll(List.of(extra));
        return new SpringApplicationBuilder(TestApp.class).properties(p.toArray(String[]::new));
    }

    @Test
    void badPropertyIsReportedAtStartupByName(CapturedOutput output) {
        assertThatThrownBy(() -> app("portcullis.routes[1].policies[0].settings.per=often").run())
                .hasRootCauseInstanceOf(io.portcullis.gateway.ConfigException.class);
        assertThat(output).contains("Invalid Portcullis gateway configuration")
                .contains("Property: portcullis.routes[1].policies[0].settings.per");
    }

    @Test
    void closingTheApplicationDrainsInFlightRequestsBeforeTheServerStops() throws Exception {
        ConfigurableApplicationContext ctx = app().run();
        TestApp.SlowGate gate = ctx.getBean(TestApp.SlowGate.class);
        PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
        InetSocketAddress address = gateway.address("public");
        // Netty's client, not the JDK's: before Java 24 the JDK client fails every open stream on GOAWAY
        try (NettyH2Client h2 = new NettyH2Client("127.0.0.1", address.getPort(), true)) {
            assertThat(h2.negotiatedProtocol()).isEqualTo("h2");
            CompletableFuture<NettyH2Client.Response> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return h2.send(NettyH2Client.headers("GET", "localhost", "/slow"), null);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            assertThat(gate.entered.await(30, TimeUnit.SECONDS)).as("request reached the controller").isTrue();

            Thread closer = new Thread(ctx::close, "close-app");
            closer.start();
            awaitRefused(address); // the gateway stopped accepting: it is draining

            // the app's server is still up behind the draining gateway, so the request completes
            gate.release.countDown();
            NettyH2Client.Response r = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("finished");
            closer.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(closer.isAlive()).isFalse();
        }
        assertThat(ctx.isActive()).isFalse();
        assertThat(gateway.isRunning()).isFalse();
    }

    /** Waits (bounded) until the listener refuses new connections. */
    private static void awaitRefused(InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(address, 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // keep trying
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the gateway still accepts connections on " + address);
    }
}
