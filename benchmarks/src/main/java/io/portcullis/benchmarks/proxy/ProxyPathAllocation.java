package io.portcullis.benchmarks.proxy;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.TlsConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Memory allocated and CPU spent by the gateway's event-loop thread per request, for one request
 * through the whole proxy path (TLS, HTTP/1.1 or HTTP/2 codec, routing, proxying to a loopback
 * upstream over a pooled HTTP/1.1 connection, response back), beside a floor: the same request
 * answered by the gateway itself (its health path: TLS and codec, no routing or upstream).
 *
 * <p>It counts only the gateway's own thread ({@code ThreadMXBean.getThreadAllocatedBytes}, exact
 * for allocation whatever else the machine does), so the client and the upstream, which run in this
 * JVM on their own threads, are left out. The gateway runs one I/O thread. Allocation per request
 * is the figure to compare across versions; the CPU figure is indicative only.
 *
 * <pre>benchmarks/proxy-alloc.sh [REQUESTS]</pre>
 */
public final class ProxyPathAllocation {
    private static final byte[] BODY = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);

    private ProxyPathAllocation() {
    }

    /** One case's result: bytes and CPU nanoseconds on the gateway thread per request. */
    record Result(String protocol, String path, long requests, double bytesPerRequest, double cpuNanosPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        Path cert = null;
        Path key = null;
        Path json = null;
        int requests = 20_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cert" -> cert = Path.of(args[i + 1]);
                case "--key" -> key = Path.of(args[i + 1]);
                case "--json" -> json = Path.of(args[i + 1]);
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (cert == null || key == null) {
            System.err.println("usage: --cert chain.pem --key key.pem [--requests N] [--json out.json]");
            System.exit(2);
        }
        List<Result> results = run(cert, key, requests);
        print(results, System.out);
        if (json != null) {
            Files.writeString(json, toJson(results));
        }
    }

    static List<Result> run(Path cert, Path key, int requests) throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        });
        upstream.setExecutor(Executors.newFixedThreadPool(4));
        upstream.start();
        Gateway gateway = Gateway.builder()
                .listener(ListenerConfig.https(0, TlsConfig.of(CertificateConfig.of(cert, key))).named("https").bind("127.0.0.1"))
                .route(RouteConfig.prefix("/").to("http://127.0.0.1:" + upstream.getAddress().getPort()).build())
                .ioThreads(1)
                .build();
        try {
            int port = gateway.start().get("https").getPort();
            List<Result> results = new ArrayList<>();
            for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
                HttpClient client = HttpClient.newBuilder().version(version).sslContext(trusting(cert)).build();
                for (String path : List.of("/healthz", "/proxied")) {
                    URI uri = URI.create("https://localhost:" + port + path);
                    measure(client, uri, requests); // warm-up: JIT, pools, TLS session
                    long[] before = gatewayThreadCounters();
                    measure(client, uri, requests);
                    long[] after = gatewayThreadCounters();
                    results.add(new Result(version == HttpClient.Version.HTTP_2 ? "h2" : "http/1.1",
                            path.equals("/healthz") ? "answered by the gateway (floor)" : "proxied", requests,
                            (after[0] - before[0]) / (double) requests, (after[1] - before[1]) / (double) requests));
                }
            }
            return results;
        } finally {
            gateway.close();
            upstream.stop(0);
            ((java.util.concurrent.ExecutorService) upstream.getExecutor()).shutdownNow();
        }
    }

    /** Sends {@code n} GETs, 8 at a time (HTTP/2 multiplexes them on one connection). */
    private static void measure(HttpClient client, URI uri, int n) {
        HttpRequest request = HttpRequest.newBuilder(uri).build();
        int inFlight = 8;
        List<CompletableFuture<HttpResponse<Void>>> window = new ArrayList<>(inFlight);
        for (int sent = 0; sent < n; ) {
            window.clear();
            for (int i = 0; i < inFlight && sent < n; i++, sent++) {
                window.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
            for (CompletableFuture<HttpResponse<Void>> f : window) {
                int status = f.join().statusCode();
                if (status != 200) {
                    throw new IllegalStateException(uri + " answered " + status);
                }
            }
        }
    }

    /** Bytes allocated and CPU nanoseconds so far by the gateway's I/O threads. */
    private static long[] gatewayThreadCounters() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes = 0;
        long cpu = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("portcullis-io")) {
                bytes += mx.getThreadAllocatedBytes(t.getId());
                cpu += mx.getThreadCpuTime(t.getId());
            }
        }
        if (bytes == 0) {
            throw new IllegalStateException("no gateway I/O thread found (expected threads named portcullis-io*)");
        }
        return new long[] {bytes, cpu};
    }

    static void print(List<Result> results, PrintStream out) {
        out.println("| protocol | request | requests | bytes allocated per request | CPU µs per request (indicative) |");
        out.println("|---|---|---|---|---|");
        for (Result r : results) {
            out.printf(Locale.ROOT, "| %s | %s | %,d | %,.0f | %.1f |%n", r.protocol(), r.path(), r.requests(),
                    r.bytesPerRequest(), r.cpuNanosPerRequest() / 1000.0);
        }
    }

    static String toJson(List<Result> results) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            sb.append(String.format(Locale.ROOT,
                    "  {\"protocol\": \"%s\", \"request\": \"%s\", \"requests\": %d, \"bytesPerRequest\": %.1f, \"cpuNanosPerRequest\": %.1f}%s%n",
                    r.protocol(), r.path(), r.requests(), r.bytesPerRequest(), r.cpuNanosPerRequest(),
                    i + 1 < results.size() ? "," : ""));
        }
        return sb.append("]\n").toString();
    }

    /** A client context trusting exactly the benchmark's own certificate. */
    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
