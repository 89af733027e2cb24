package io.portcullis.benchmarks.routing;

import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.internal.routing.Route;
import io.portcullis.gateway.internal.routing.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Route lookup with 10, 1,000 and 10,000 prefix routes: the cost must follow the path, not the route count. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RouterBenchmark {

    @Param({"10", "1000", "10000"})
    public int routes;

    private Router router;
    private String path;

    @Setup
    public void setUp() {
        List<RouteConfig> configs = new ArrayList<>();
        for (int i = 0; i < routes; i++) {
            configs.add(RouteConfig.prefix("/svc" + i + "/api").to("http://127.0.0.1:" + (10000 + i % 1000)).build());
        }
        configs.add(RouteConfig.prefix("/").to("http://127.0.0.1:9999").build());
        router = Router.compile(configs);
        path = "/svc" + (routes / 2) + "/api/orders/42/items";
        if (router.find("api.example.com", path, "GET") == null) {
            throw new IllegalStateException("no route for " + path);
        }
    }

    @Benchmark
    public Route find() {
        return router.find("api.example.com", path, "GET");
    }
}
