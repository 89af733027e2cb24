package io.portcullis.benchmarks.charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Draws SVG bar charts from raw benchmark results, next to them:
 * <ul>
 *   <li>a JMH result file ({@code -rf json}): per benchmark class, the score of each benchmark with
 *       its error, grouped by parameters and thread count, with its ratio to the group's baseline;
 *       and its allocation per operation when the run had {@code -prof gc};</li>
 *   <li>a load-run directory ({@code results.tsv} of {@code benchmarks/load/run.sh}): CPU µs per
 *       request, requests/s and p50/p99 latency per case, each target beside nginx.</li>
 * </ul>
 * {@code java -cp ... io.portcullis.benchmarks.charts.BenchCharts <file.json | dir>...}; a directory
 * is searched (not recursively) for both. Prints the files it wrote.
 */
public final class BenchCharts {
    /** Benchmark methods named like this are baselines (floors and peers), drawn grey; see {@link #baselineOf}. */
    static final List<String> BASELINE_PREFIXES = List.of("raw", "bucket4j", "plainCas", "unsynchronized", "byHand", "floor",
            "baseline");
    static final String ALLOC = "gc.alloc.rate.norm";
    private static final Map<String, String> CASES = Map.of(
            "h1", "h1: HTTP/1.1 keep-alive (wrk -c64)",
            "h2", "h2: HTTP/2 (h2load -c32 -m10)",
            "hs", "hs: new TLS connection per request (wrk -c16)",
            "lat1", "lat1: one connection (wrk -c1)");

    private BenchCharts() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BenchCharts <jmh-result.json | load-results-dir | dir>...");
            System.exit(2);
        }
        for (String a : args) {
            for (Path written : draw(Path.of(a))) {
                System.out.println("chart: " + written);
            }
        }
    }

    /** Draws the charts of one JMH JSON file or one directory; returns the files written. */
    static List<Path> draw(Path input) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(input)) {
            if (Files.exists(input.resolve("results.tsv"))) {
                out.addAll(loadCharts(input.resolve("results.tsv")));
            }
            try (Stream<Path> files = Files.list(input)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    out.addAll(jmhCharts(p));
                }
            }
        } else if (input.toString().endsWith(".tsv")) {
            out.addAll(loadCharts(input));
        } else {
            out.addAll(jmhCharts(input));
        }
        return out;
    }

    // ---- JMH

    /** One result of a JMH run. */
    record JmhResult(String className, String method, String mode, int threads, Map<String, String> params, double score,
                     double error, String unit, double alloc, double allocError) {
        String groupTitle(boolean showThreads) {
            List<String> parts = new ArrayList<>();
            params.forEach((k, v) -> parts.add(k + "=" + v));
            if (showThreads) {
                parts.add(threads + (threads == 1 ? " thread" : " threads"));
            }
            return parts.isEmpty() ? "" : String.join(", ", parts);
        }
    }

    @SuppressWarnings("unchecked")
    static List<JmhResult> readJmh(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> list)) {
            throw new IllegalArgumentException("a JMH result file is a JSON array");
        }
        List<JmhResult> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> r = (Map<String, Object>) o;
            String name = (String) r.get("benchmark");
            int dot = name.lastIndexOf('.');
            Map<String, String> params = new LinkedHashMap<>();
            if (r.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            double alloc = Double.NaN;
            double allocError = Double.NaN;
            if (r.get("secondaryMetrics") instanceof Map<?, ?> secondary) {
                for (Map.Entry<?, ?> e : secondary.entrySet()) {
                    if (String.valueOf(e.getKey()).endsWith(ALLOC) && e.getValue() instanceof Map<?, ?> m) {
                        alloc = Json.number(m.get("score"));
                        allocError = Json.number(m.get("scoreError"));
                    }
                }
            }
            Object threads = r.get("threads");
            out.add(new JmhResult(name.substring(0, dot), name.substring(dot + 1), String.valueOf(r.get("mode")),
                    threads == null ? 1 : (int) Json.number(threads), params, Json.number(primary.get("score")),
                    Json.number(primary.get("scoreError")), String.valueOf(primary.get("scoreUnit")), alloc, allocError));
        }
        return out;
    }

    /**
     * The baseline a benchmark is compared with: the one for the same case, i.e. whose name after
     * its baseline prefix ends the benchmark's name ({@code portcullisZipfKeysTwoThreads} with
     * {@code bucket4jZipfKeysTwoThreads}); else, and among equals, the first (JMH sorts by name).
     */
    static JmhResult baselineOf(String method, List<JmhResult> baselines) {
        JmhResult best = baselines.isEmpty() ? null : baselines.get(0);
        int bestLength = 0;
        for (JmhResult b : baselines) {
            String prefix = BASELINE_PREFIXES.stream().filter(b.method()::startsWith).findFirst().orElse("");
            String sameCase = b.method().substring(prefix.length());
            if (sameCase.length() > bestLength && method.endsWith(sameCase)) {
                best = b;
                bestLength = sameCase.length();
            }
        }
        return best;
    }

    static boolean isBaseline(String method) {
        return BASELINE_PREFIXES.stream().anyMatch(method::startsWith);
    }

    /** The charts of one JMH result file: {@code <file>-<Class>.svg} and {@code <file>-<Class>-alloc.svg}. */
    static List<Path> jmhCharts(Path json) throws IOException {
        List<JmhResult> results = readJmh(Files.readString(json, StandardCharsets.UTF_8));
        String base = json.getFileName().toString().replaceFirst("\\.json$", "");
        Map<String, List<JmhResult>> byChart = new LinkedHashMap<>();
        for (JmhResult r : results) {
            // one chart per class and unit (a class mixing average time and sample mode gets two)
            byChart.computeIfAbsent(r.className() + "\0" + r.mode() + "\0" + r.unit(), k -> new ArrayList<>()).add(r);
        }
        long classes = results.stream().map(JmhResult::className).distinct().count();
        List<Path> written = new ArrayList<>();
        for (List<JmhResult> rs : byChart.values()) {
            JmhResult first = rs.get(0);
            String simple = first.className().substring(first.className().lastIndexOf('.') + 1);
            boolean severalModes = results.stream().filter(r -> r.className().equals(first.className()))
                    .map(JmhResult::mode).distinct().count() > 1;
            String name = base + "-" + simple + (severalModes ? "-" + first.mode() : "");
            String source = json.getFileName() + (classes > 1 ? ", " + simple : "");
            Path time = json.resolveSibling(name + ".svg");
            write(time, new BarChart(simple + " (" + mode(first.mode()) + ")", "JMH, " + source + "; error bars: 99.9 % confidence",
                    first.unit(), jmhGroups(rs, false)).svg());
            written.add(time);
            if (rs.stream().anyMatch(r -> !Double.isNaN(r.alloc()))) {
                Path alloc = json.resolveSibling(name + "-alloc.svg");
                write(alloc, new BarChart(simple + ": allocation per operation", "JMH -prof gc, " + source, "B/op",
                        jmhGroups(rs, true)).svg());
                written.add(alloc);
            }
        }
        return written;
    }

    private static List<BarChart.Group> jmhGroups(List<JmhResult> rs, boolean alloc) {
        boolean showThreads = rs.stream().map(JmhResult::threads).distinct().count() > 1;
        Map<String, List<JmhResult>> groups = new LinkedHashMap<>();
        for (JmhResult r : rs) {
            if (!alloc || !Double.isNaN(r.alloc())) {
                groups.computeIfAbsent(r.groupTitle(showThreads), k -> new ArrayList<>()).add(r);
            }
        }
        List<BarChart.Group> out = new ArrayList<>();
        groups.forEach((title, members) -> {
            List<JmhResult> baselines = members.stream().filter(r -> isBaseline(r.method())).toList();
            List<BarChart.Bar> bars = new ArrayList<>();
            for (JmhResult r : members) {
                JmhResult baseline = baselineOf(r.method(), baselines);
                double value = alloc ? r.alloc() : r.score();
                double error = alloc ? r.allocError() : r.error();
                String note = null;
                if (!alloc && baseline != null && !isBaseline(r.method()) && baseline.score() > 0) {
                    note = ratio(r.score() / baseline.score()) + "x " + baseline.method();
                }
                bars.add(new BarChart.Bar(r.method(), value, error, isBaseline(r.method()), note));
            }
            out.add(new BarChart.Group(title.isEmpty() ? "all" : title, bars));
        });
        return out;
    }

    /** A ratio with two significant digits below 1 (0.00055x, 0.76x), two decimals above. */
    static String ratio(double r) {
        return r >= 1 ? String.format(Locale.ROOT, "%.2f", r) : String.format(Locale.ROOT, "%.2g", r);
    }

    private static String mode(String mode) {
        return switch (mode) {
            case "avgt" -> "average time per operation";
            case "thrpt" -> "throughput";
            case "sample" -> "sampled time per operation, mean";
            case "ss" -> "single shot";
            default -> mode;
        };
    }

    // ---- load runs

    /** The charts of a load run's {@code results.tsv}, written beside it. */
    static List<Path> loadCharts(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(tsv + " is empty");
        }
        List<String> header = List.of(lines.get(0).split("\t"));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size() && i < cells.length; i++) {
                row.put(header.get(i), cells[i]);
            }
            rows.add(row);
        }
        for (String column : List.of("target", "case", "req_per_s", "p50_ms", "p99_ms", "cpu_us_per_req")) {
            if (!header.contains(column)) {
                throw new IllegalArgumentException(tsv + ": no column " + column);
            }
        }
        String run = tsv.getParent() == null ? tsv.toString() : tsv.getParent().getFileName().toString();
        List<Path> written = new ArrayList<>();
        written.add(write(tsv.resolveSibling("cpu-per-request.svg"), new BarChart("CPU per request (lower is better)",
                "load run " + run + "; CPU time of the proxy process / requests", "µs/request",
                loadGroups(rows, List.of("cpu_us_per_req"), "of nginx")).svg()));
        written.add(write(tsv.resolveSibling("requests-per-second.svg"), new BarChart("Requests per second (higher is better)",
                "load run " + run, "requests/s", loadGroups(rows, List.of("req_per_s"), "of nginx")).svg()));
        written.add(write(tsv.resolveSibling("latency.svg"), new BarChart("Latency p50 and p99 (lower is better)",
                "load run " + run, "ms", loadGroups(rows, List.of("p50_ms", "p99_ms"), "of nginx")).svg()));
        return written;
    }

    private static List<BarChart.Group> loadGroups(List<Map<String, String>> rows, List<String> columns, String ratioWord) {
        Map<String, List<Map<String, String>>> byCase = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            byCase.computeIfAbsent(r.get("case"), k -> new ArrayList<>()).add(r);
        }
        List<BarChart.Group> out = new ArrayList<>();
        byCase.forEach((c, members) -> {
            Map<String, String> nginx = members.stream().filter(r -> r.get("target").equals("nginx")).findFirst().orElse(null);
            List<BarChart.Bar> bars = new ArrayList<>();
            for (String column : columns) {
                String suffix = columns.size() > 1 ? " " + column.replace("_ms", "") : "";
                for (Map<String, String> r : members) {
                    double v = Double.parseDouble(r.get(column));
                    boolean base = r == nginx;
                    String note = null;
                    if (!base && nginx != null && Double.parseDouble(nginx.get(column)) > 0) {
                        note = String.format(Locale.ROOT, "%.0f %% %s", v / Double.parseDouble(nginx.get(column)) * 100, ratioWord);
                    }
                    bars.add(new BarChart.Bar(r.get("target") + suffix, v, Double.NaN, base, note));
                }
            }
            out.add(new BarChart.Group(CASES.getOrDefault(c, c), bars));
        });
        return out;
    }

    private static Path write(Path file, String svg) {
        try {
            Files.writeString(file, svg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
