package io.portcullis.benchmarks.headers;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.portcullis.benchmarks.BenchContexts;
import io.portcullis.gateway.headers.SecurityHeadersProvider;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code security-headers} policy's response step (default settings, on TLS: eight headers
 * set, {@code Server} removed) on a Netty {@link DefaultHttpHeaders} holding what a typical upstream
 * response carries; beside the floor, the same eight precomputed {@link AsciiString} headers set
 * by hand with no check whether the upstream set them already.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SecurityHeadersBenchmark {
    private static final AsciiString SERVER = AsciiString.cached("server");
    private static final AsciiString TEXT_HTML = AsciiString.cached("text/html; charset=utf-8");
    private static final AsciiString LENGTH = AsciiString.cached("1024");
    private static final AsciiString NGINX = AsciiString.cached("nginx");

    private BenchContexts.Provider provider;
    private BenchContexts.Request request;
    private Policy policy;
    private AsciiString[] names;
    private AsciiString[] values;
    private final HttpHeaders response = new DefaultHttpHeaders();

    @Setup(Level.Trial)
    public void setUp() {
        provider = new BenchContexts.Provider();
        request = new BenchContexts.Request("203.0.113.7");
        policy = new SecurityHeadersProvider().create(PolicySpec.of("security-headers", Map.of()), provider);
        // the floor sets exactly what the policy adds, read from one run of the policy
        HttpHeaders added = new DefaultHttpHeaders();
        policy.onResponse(request, added);
        List<AsciiString> n = new ArrayList<>();
        List<AsciiString> v = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : iterable(added)) {
            n.add(AsciiString.of(e.getKey()));
            v.add(AsciiString.of(e.getValue()));
        }
        names = n.toArray(new AsciiString[0]);
        values = v.toArray(new AsciiString[0]);
        if (names.length < 8) {
            throw new IllegalStateException("expected the policy to add 8 headers on TLS, got " + added);
        }
        HttpHeaders a = new DefaultHttpHeaders().add(policy());
        HttpHeaders b = new DefaultHttpHeaders().add(byHandPrecomputedHeaders());
        if (!a.equals(b)) {
            throw new IllegalStateException("the floor does not set what the policy sets: " + a + " vs " + b);
        }
    }

    private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpHeaders h) {
        return h::iteratorCharSequence;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        provider.close();
    }

    /** A fresh upstream response: content type, length and a {@code Server} header to remove. */
    private void upstreamResponse() {
        response.clear();
        response.set(HttpHeaderNames.CONTENT_TYPE, TEXT_HTML);
        response.set(HttpHeaderNames.CONTENT_LENGTH, LENGTH);
        response.set(SERVER, NGINX);
    }

    /** The policy's response step: each header set unless present, HSTS on TLS, Server and X-Powered-By removed. */
    @Benchmark
    public HttpHeaders policy() {
        upstreamResponse();
        policy.onResponse(request, response);
        return response;
    }

    /** The floor: the same precomputed names and values set one after the other, Server removed. */
    @Benchmark
    public HttpHeaders byHandPrecomputedHeaders() {
        upstreamResponse();
        for (int i = 0; i < names.length; i++) {
            response.set(names[i], values[i]);
        }
        response.remove(SERVER);
        return response;
    }
}
