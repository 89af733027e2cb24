#!/usr/bin/env bash
# Runs the JMH benchmarks: ./benchmarks/jmh.sh [--quick] [JMH options, e.g. JwtBenchmark -prof gc]
# Results go to benchmarks/results/jmh-<date>.json (raw JMH JSON) as well as the console, and SVG charts
# drawn from that JSON beside it (jmh-<date>-<Class>.svg, -alloc.svg with -prof gc).
# --quick: one short fork per benchmark, a smoke check that everything runs (numbers not meaningful).
# RedisLimiterBenchmark needs redis-server on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
if [ "${1:-}" = "--quick" ]; then
  quick=(-f 1 -wi 1 -w 200ms -i 1 -r 300ms)
  shift
fi
# one reactor build: the core comes from this checkout, nothing is installed into ~/.m2
./mvnw -q -B -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
mkdir -p benchmarks/results
out="benchmarks/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
  "${quick[@]}" -rf json -rff "$out" "$@"
echo "raw results: $out"
# charts from the raw JSON; redraw any result file later with the same command
if [ -s "$out" ]; then java -cp benchmarks/target/classes io.portcullis.benchmarks.charts.BenchCharts "$out"; fi
