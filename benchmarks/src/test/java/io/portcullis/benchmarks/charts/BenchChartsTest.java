package io.portcullis.benchmarks.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class BenchChartsTest {
    private static final String SVG = "http://www.w3.org/2000/svg";

    /** Three JMH results of one class and one parameter, as {@code -rf json} writes them (trimmed). */
    static final String JMH = """
            [
              {"jmhVersion": "1.37", "benchmark": "io.portcullis.benchmarks.jwt.JwtBenchmark.cachedToken",
               "mode": "avgt", "threads": 1, "params": {"alg": "RS256"},
               "primaryMetric": {"score": 1500.5, "scoreError": 120.0, "scoreUnit": "ns/op", "rawData": [[1500.5]]},
               "secondaryMetrics": {"\\u00b7gc.alloc.rate.norm": {"score": 89.0, "scoreError": "NaN", "scoreUnit": "B/op"}}},
              {"jmhVersion": "1.37", "benchmark": "io.portcullis.benchmarks.jwt.JwtBenchmark.rawJcaVerify",
               "mode": "avgt", "threads": 1, "params": {"alg": "RS256"},
               "primaryMetric": {"score": 50000.0, "scoreError": "NaN", "scoreUnit": "ns/op"},
               "secondaryMetrics": {"\\u00b7gc.alloc.rate.norm": {"score": 2048.0, "scoreError": 1.5, "scoreUnit": "B/op"}}},
              {"jmhVersion": "1.37", "benchmark": "io.portcullis.benchmarks.jwt.JwtBenchmark.uncachedToken",
               "mode": "avgt", "threads": 1, "params": {"alg": "RS256"},
               "primaryMetric": {"score": 100000.0, "scoreError": 5000.0, "scoreUnit": "ns/op"},
               "secondaryMetrics": {"\\u00b7gc.alloc.rate.norm": {"score": 26000.0, "scoreError": 10.0, "scoreUnit": "B/op"}}}
            ]
            """;

    static final String LOAD = """
            target\tcase\trequests\tok\treq_per_s\tp50_ms\tp99_ms\tcpu_us_per_req\trss_mb
            nginx\th1\t301077\t301077\t15027\t3.250\t20.160\t52.2\t20
            portcullis\th1\t219726\t219726\t10972\t5.080\t35.280\t86.8\t172
            portcullis-chain\th1\t183286\t183286\t9146\t5.600\t30.770\t107.3\t175
            nginx\th2\t299947\t299947\t14997\t19.210\t45.640\t63.4\t21
            portcullis\th2\t90699\t90699\t4535\t53.488\t219.509\t214.7\t173
            """;

    @Test
    void jmhResultsBecomeATimeChartAndAnAllocationChart(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("jmh-sample.json");
        Files.writeString(json, JMH, StandardCharsets.UTF_8);

        List<Path> written = BenchCharts.draw(json);

        assertThat(written).containsExactly(dir.resolve("jmh-sample-JwtBenchmark.svg"), dir.resolve("jmh-sample-JwtBenchmark-alloc.svg"));
        Document time = parse(written.get(0));
        assertThat(time.getDocumentElement().getLocalName()).isEqualTo("svg");
        List<Element> bars = bars(time);
        assertThat(bars).extracting(b -> b.getAttribute("data-label")).containsExactly("cachedToken", "rawJcaVerify", "uncachedToken");
        assertThat(bars).extracting(b -> Double.parseDouble(b.getAttribute("data-value"))).containsExactly(1500.5, 50000.0, 100000.0);
        // the baseline is grey, the others are not; widths grow with the value (log axis: 1.5 µs beside 100 µs)
        assertThat(bars.get(1).getAttribute("fill")).isEqualTo(BarChart.BASELINE_COLOR);
        assertThat(bars.get(0).getAttribute("fill")).isEqualTo(BarChart.BAR_COLOR);
        assertThat(width(bars.get(0))).isPositive().isLessThan(width(bars.get(1)));
        assertThat(width(bars.get(1))).isLessThan(width(bars.get(2)));
        List<String> texts = texts(time);
        assertThat(texts).contains("alg=RS256", "ns/op", "1,501 ± 120" + "0.030x rawJcaVerify", "100,000 ± 5,000" + "2.00x rawJcaVerify");
        assertThat(texts(time, "tspan")).containsExactly("0.030x rawJcaVerify", "2.00x rawJcaVerify");
        assertThat(time.getElementsByTagNameNS(SVG, "path").getLength()).as("error bars: two of three have an error").isEqualTo(2);

        Document alloc = parse(written.get(1));
        assertThat(bars(alloc)).extracting(b -> Double.parseDouble(b.getAttribute("data-value"))).containsExactly(89.0, 2048.0, 26000.0);
        assertThat(texts(alloc)).contains("B/op");
    }

    @Test
    void loadRunBecomesCpuThroughputAndLatencyChartsAgainstNginx(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("results.tsv"), LOAD, StandardCharsets.UTF_8);

        List<Path> written = BenchCharts.draw(dir);

        assertThat(written).extracting(p -> p.getFileName().toString())
                .containsExactly("cpu-per-request.svg", "requests-per-second.svg", "latency.svg");
        Document cpu = parse(written.get(0));
        assertThat(bars(cpu)).extracting(b -> b.getAttribute("data-label"))
                .containsExactly("nginx", "portcullis", "portcullis-chain", "nginx", "portcullis");
        assertThat(bars(cpu).get(0).getAttribute("fill")).isEqualTo(BarChart.BASELINE_COLOR);
        assertThat(texts(cpu)).contains("h1: HTTP/1.1 keep-alive (wrk -c64)", "h2: HTTP/2 (h2load -c32 -m10)")
                .contains("86.8" + "166 % of nginx", "215" + "339 % of nginx");
        Document latency = parse(written.get(2));
        assertThat(bars(latency)).extracting(b -> b.getAttribute("data-label")).contains("nginx p50", "portcullis p99");
    }

    @Test
    void eachBenchmarkIsComparedWithTheBaselineNamedLikeIt() {
        List<BenchCharts.JmhResult> baselines = List.of(result("bucket4jOneKey"), result("bucket4jZipfKeys"), result("plainCasOneKey"));
        assertThat(BenchCharts.baselineOf("portcullisZipfKeys", baselines).method()).isEqualTo("bucket4jZipfKeys");
        assertThat(BenchCharts.baselineOf("portcullisOneKey", baselines).method()).isEqualTo("bucket4jOneKey");
        assertThat(BenchCharts.baselineOf("somethingElse", baselines).method()).as("no shared ending: the first").isEqualTo("bucket4jOneKey");
        assertThat(BenchCharts.isBaseline("rawJcaVerify")).isTrue();
        assertThat(BenchCharts.isBaseline("uncachedToken")).isFalse();
    }

    private static BenchCharts.JmhResult result(String method) {
        return new BenchCharts.JmhResult("C", method, "avgt", 1, java.util.Map.of(), 1, 0, "ns/op", Double.NaN, Double.NaN);
    }

    @Test
    void notJsonIsRefusedWithItsOffset(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("broken.json");
        Files.writeString(json, "[{\"benchmark\": }]");
        assertThatThrownBy(() -> BenchCharts.draw(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 15");
    }

    private static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(Files.readString(svg, StandardCharsets.UTF_8))));
    }

    private static List<Element> bars(Document d) {
        List<Element> out = new ArrayList<>();
        NodeList rects = d.getElementsByTagNameNS(SVG, "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if (e.getAttribute("class").equals("bar")) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> texts(Document d) {
        return texts(d, "text");
    }

    private static List<String> texts(Document d, String element) {
        List<String> out = new ArrayList<>();
        NodeList t = d.getElementsByTagNameNS(SVG, element);
        for (int i = 0; i < t.getLength(); i++) {
            out.add(t.item(i).getTextContent());
        }
        return out;
    }

    private static double width(Element bar) {
        return Double.parseDouble(bar.getAttribute("width"));
    }
}
