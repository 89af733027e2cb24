package io.portcullis.testing;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.Limits;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;

/**
 * Runs a gateway in its own JVM (so a test can cap its heap): cleartext listener on a free port
 * proxying everything to the upstream URL given as the only argument, no body-size limit. Prints
 * {@code PORT=n} when ready and stops when standard input closes.
 */
public final class GatewayProcessMain {
    private GatewayProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Gateway gw = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to(args[0]).build())
                .limits(Limits.builder().maxRequestBodyBytes(Long.MAX_VALUE).build())
                .build()) {
            gw.start();
            System.out.println("PORT=" + gw.address("http").getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
