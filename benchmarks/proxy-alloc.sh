#!/usr/bin/env bash
# Allocation (exact) and CPU (indicative) of the gateway's event-loop thread per request, HTTP/1.1 and
# HTTP/2 over TLS, proxied to a loopback upstream vs answered by the gateway itself (the floor).
#   benchmarks/proxy-alloc.sh [REQUESTS]      # default 20000 measured after as many warm-up requests
# Results: the table on stdout and benchmarks/results/proxy-alloc-<UTC time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20000}
./mvnw -q -B -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p benchmarks/results
out="benchmarks/results/proxy-alloc-$(date -u +%Y%m%dT%H%M%SZ).json"
java -Xms256m -Xmx512m -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.portcullis.benchmarks.proxy.ProxyPathAllocation --cert "$work/cert.pem" --key "$work/key.pem" \
  --requests "$requests" --json "$out"
echo "raw results: $out"
