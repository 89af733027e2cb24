package io.portcullis.gateway.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.gateway.ClusterConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A gateway on loopback (one I/O thread) whose route {@code /} goes to one cluster. */
final class ClusterFixture implements AutoCloseable {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Gateway gateway;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final int port;

    ClusterFixture(ClusterConfig cluster) {
        this(cluster, RouteConfig.prefix("/").id("root").toCluster(cluster.name()).build());
    }

    ClusterFixture(ClusterConfig cluster, RouteConfig route) {
        gateway = Gateway.builder()
                .listener(ListenerConfig.http(0).named("http").bind("127.0.0.1"))
                .cluster(cluster)
                .route(route)
                .ioThreads(1)
                .meterRegistry(meters)
                .build();
        gateway.start();
        port = gateway.address("http").getPort();
    }

    /** The configuration in force with its cluster replaced by {@code cluster}. */
    GatewayConfig withCluster(ClusterConfig cluster) {
        GatewayConfig c = gateway.config();
        return new GatewayConfig(c.listeners(), c.routes(), c.limits(), c.timeouts(), c.trustedProxies(), c.ioThreads(),
                c.healthPath(), c.trustIncomingRequestId(), c.policies(), java.util.List.of(cluster), c.compression(), c.transport());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return client.send(request(path, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    double gauge(String name, String... tags) {
        var g = meters.find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    /** A loopback port nothing listens on (connections are refused). */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
