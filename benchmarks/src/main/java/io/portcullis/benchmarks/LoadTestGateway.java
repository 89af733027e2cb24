package io.portcullis.benchmarks;

import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway for side-by-side load runs (see {@code ../shared/bench} and docs/benchmarks.md): one
 * HTTPS listener with ALPN h2/http1.1, every request proxied to one upstream.
 *
 * <pre>java -cp ... io.portcullis.benchmarks.LoadTestGateway --listen 127.0.0.1:28460 \
 *     --cert cert.pem --key key.pem --upstream http://127.0.0.1:28080</pre>
 */
public final class LoadTestGateway {
    private LoadTestGateway() {
    }

    public static void main(String[] args) throws InterruptedException {
        String listen = null;
        String cert = null;
        String key = null;
        String upstream = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--listen" -> listen = args[i + 1];
                case "--cert" -> cert = args[i + 1];
                case "--key" -> key = args[i + 1];
                case "--upstream" -> upstream = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (listen == null || cert == null || key == null || upstream == null) {
            System.err.println("usage: --listen host:port --cert chain.pem --key key.pem --upstream http://host:port");
            System.exit(2);
        }
        int colon = listen.lastIndexOf(':');
        Gateway gateway = Gateway.builder()
                .listener(ListenerConfig.https(Integer.parseInt(listen.substring(colon + 1)),
                        TlsConfig.of(CertificateConfig.of(Path.of(cert), Path.of(key))))
                        .bind(listen.substring(0, colon)))
                .route(RouteConfig.prefix("/").to(upstream).build())
                .build();
        gateway.start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stop.countDown();
        }));
        stop.await();
    }
}
