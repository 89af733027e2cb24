#!/usr/bin/env bash
# Side-by-side load run: Portcullis against nginx (one worker), both as TLS reverse proxies in front
# of the same backend, with the same ECDSA P-256 certificate. Loopback only; every process is started
# here, recorded by PID and stopped on exit; every load step is bounded by its duration.
#
#   benchmarks/load/run.sh            # DURATION=20 s per case, WARMUP=60 s of JIT warm-up
#   benchmarks/load/run.sh --quick    # 5 s per case, 15 s warm-up: a smoke check, numbers not meaningful
#
# Layout: the proxies run pinned to CPU 1, the load generator and the backend to CPU 0 (2-core box).
# Cases: h1 (wrk -c64 keep-alive), h2 (h2load -c32 -m10), hs (new TLS connection per request),
# lat1 (wrk -c1: unloaded latency). Targets: nginx, portcullis (plain proxy), portcullis-chain
# (JWT from the verified-token cache + in-memory rate limit + security headers on every request).
# Per target and case: requests/s, p50/p99 latency, server CPU microseconds per request (CPU time of
# the proxy's processes / requests: the figure that survives a noisy machine; JIT compiler threads
# included, their share shown as jit_pct), RSS after the case, and Portcullis/nginx ratios from the
# same run; RSS at idle too, 10 s after start and 30 s after the last case (rss-idle.tsv). The JVMs
# are warmed until their JIT settles (under 2 % of their CPU over 10 s, at most 60 s beyond WARMUP).
# Raw rows, a Markdown table and SVG charts (CPU per
# request, requests/s, latency: cpu-per-request.svg, requests-per-second.svg, latency.svg) land in
# benchmarks/results/load-<UTC time>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-60}
if [ "${1:-}" = "--quick" ]; then DURATION=5; WARMUP=15; fi
BACKEND_PORT=29080; NGINX_PORT=29443; GW_PORT=29444; CHAIN_PORT=29445
SECRET="load-run-hmac-secret-0123456789abcdef"

load1=$(cut -d' ' -f1 /proc/loadavg)
if awk "BEGIN {exit !($load1 > 0.5)}"; then
  echo "warning: the machine is busy (load average $load1): figures will be noisy; compare ratios only" >&2
  [ "${REQUIRE_IDLE:-0}" = 1 ] && exit 1
fi

out="$root/benchmarks/results/load-$(date -u +%Y%m%dT%H%M%SZ)"
work=$(mktemp -d)
mkdir -p "$out"
pids=()
# shellcheck source=lib.sh
. "$root/benchmarks/load/lib.sh"
need_tools
build_dist
write_confs
ports_free $BACKEND_PORT $NGINX_PORT $GW_PORT $CHAIN_PORT
start backend 0 nginx -c "$work/backend.conf" -g 'daemon off;'; wait_port $BACKEND_PORT
start nginx 1 nginx -c "$work/nginx.conf" -g 'daemon off;'; nginx_pid=$started; wait_port $NGINX_PORT
# Portcullis as users run it: the packaged bin/portcullis with its own JVM flags and a YAML file;
# the access log off, as nginx's (JAVA_OPTS passes through, e.g. GATEWAY_JAVA_OPTS=-Xmx512m).
gateway_yaml $GW_PORT > "$work/plain.yaml"
gateway_yaml $CHAIN_PORT chain > "$work/chain.yaml"
export PORTCULLIS_ACCESS_LOG=OFF JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
for f in plain chain; do
  PORTCULLIS_DATA="$work/data-$f" PORTCULLIS_LOG_DIR="$work/logs-$f" "$work/dist/bin/portcullis" validate "$work/$f.yaml" >&2
done
PORTCULLIS_DATA="$work/data-plain" PORTCULLIS_LOG_DIR="$work/logs-plain" \
  start portcullis 1 "$work/dist/bin/portcullis" run --config "$work/plain.yaml"; gw_pid=$started; wait_port $GW_PORT
PORTCULLIS_DATA="$work/data-chain" PORTCULLIS_LOG_DIR="$work/logs-chain" \
  start portcullis-chain 1 "$work/dist/bin/portcullis" run --config "$work/chain.yaml"
chain_pid=$started; wait_port $CHAIN_PORT
token=$(java -cp "$cp" io.portcullis.benchmarks.LoadTestGateway --token "$SECRET")


run_case() { # target pid port case -> one TSV row
  local target=$1 pid=$2 port=$3 case=$4 url="https://127.0.0.1:$3/" auth=() log="$work/$1-$4.txt"
  [ "$target" = portcullis-chain ] && auth=(-H "Authorization: Bearer $token")
  local t0 j0; t0=$(ticks "$pid"); j0=$(jit_ticks "$pid")
  case $case in
    h1)   timeout $((DURATION + 30)) taskset -c 0 wrk -t1 -c64 -d"${DURATION}s" --latency "${auth[@]}" "$url" > "$log" ;;
    lat1) timeout $((DURATION + 30)) taskset -c 0 wrk -t1 -c1 -d"${DURATION}s" --latency "${auth[@]}" "$url" > "$log" ;;
    hs)   timeout $((DURATION + 30)) taskset -c 0 wrk -t1 -c16 -d"${DURATION}s" --latency -H 'Connection: close' "${auth[@]}" "$url" > "$log" ;;
    h2)   timeout $((DURATION + 30)) taskset -c 0 h2load -c32 -m10 -t1 -D "$DURATION" --log-file="$work/$target-h2.log" \
            "${auth[@]}" "$url" > "$log" ;;
  esac
  local t1 j1; t1=$(ticks "$pid"); j1=$(jit_ticks "$pid")
  python3 - "$target" "$case" "$log" "$work/$target-h2.log" "$((t1 - t0))" "$hz" "$(rss_kb "$pid")" "$((j1 - j0))" <<'PY'
import re, sys
target, case, log, h2log, ticks, hz, rss, jit = sys.argv[1:9]
text = open(log).read()
def ms(v, unit):
    return float(v) * {'us': 0.001, 'ms': 1.0, 's': 1000.0}[unit]
if case == 'h2':
    done = int(re.search(r'requests: \d+ total, \d+ started, (\d+) done', text).group(1))
    ok = int(re.search(r'status codes: (\d+) 2xx', text).group(1))
    rps = float(re.search(r'finished in [\d.]+\w+, ([\d.]+) req/s', text).group(1))
    times = sorted(int(l.split()[2]) / 1000.0 for l in open(h2log) if l.strip())
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
    requests = done
else:
    requests = int(re.search(r'(\d+) requests in', text).group(1))
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
    lat = dict(re.findall(r'^\s+(50|99)%\s+([\d.]+\w+)', text, re.M))
    def parse(s):
        m = re.match(r'([\d.]+)(us|ms|s)', s); return ms(m.group(1), m.group(2))
    p50, p99 = parse(lat['50']), parse(lat['99'])
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
    ok = requests - (int(errors.group(1)) if errors else 0)
us = int(ticks) / int(hz) * 1e6 / max(requests, 1)
jit_pct = int(jit) * 100.0 / max(int(ticks), 1)
print(f"{target}\t{case}\t{requests}\t{ok}\t{rps:.0f}\t{p50:.3f}\t{p99:.3f}\t{us:.1f}\t{int(rss) // 1024}\t{jit_pct:.1f}")
PY
}

# idle RSS (a target of its own): 10 s after start with no traffic, and again 30 s after the last case
# (the launcher's periodic G1 cycle returns heap grown under load after 15 s without a collection)
idle_rss() { sleep "$1"; echo "$(( $(rss_kb "$nginx_pid") / 1024 )) $(( $(rss_kb "$gw_pid") / 1024 )) $(( $(rss_kb "$chain_pid") / 1024 ))"; }
read -r idle_nginx idle_gw idle_chain < <(idle_rss 10)

echo "warming up the JVMs (${WARMUP} s each)..." >&2
for port in $GW_PORT $CHAIN_PORT; do
  a=(); [ $port = $CHAIN_PORT ] && a=(-H "Authorization: Bearer $token")
  timeout $((WARMUP + 30)) taskset -c 0 wrk -t1 -c64 -d"${WARMUP}s" "${a[@]}" "https://127.0.0.1:$port/" > /dev/null
  timeout $((WARMUP + 30)) taskset -c 0 h2load -c16 -m10 -t1 -D $((WARMUP / 3 + 1)) "${a[@]}" "https://127.0.0.1:$port/" > /dev/null
done
# then on until the JIT has settled: a JVM's compiler threads keep working for minutes after start,
# and that is not the per-request cost of a server that runs for days. Their share is still reported
# per case (jit_pct) and counted in the CPU per request.
for target in portcullis portcullis-chain; do
  case $target in portcullis) pid=$gw_pid port=$GW_PORT a=();; *) pid=$chain_pid port=$CHAIN_PORT a=(-H "Authorization: Bearer $token");; esac
  for _ in 1 2 3 4 5 6; do
    t0=$(ticks "$pid"); j0=$(jit_ticks "$pid")
    timeout 40 taskset -c 0 wrk -t1 -c64 -d4s "${a[@]}" "https://127.0.0.1:$port/" > /dev/null
    timeout 40 taskset -c 0 h2load -c32 -m10 -t1 -D 3 "${a[@]}" "https://127.0.0.1:$port/" > /dev/null
    timeout 40 taskset -c 0 wrk -t1 -c16 -d3s -H 'Connection: close' "${a[@]}" "https://127.0.0.1:$port/" > /dev/null
    t1=$(ticks "$pid"); j1=$(jit_ticks "$pid")
    share=$(( (j1 - j0) * 100 / (t1 - t0 + 1) ))
    echo "  $target: JIT compiler threads at $share % of the process CPU over 10 s of h1, h2 and handshakes" >&2
    [ "$share" -lt 2 ] && break
  done
  sleep 1
done
timeout 60 taskset -c 0 wrk -t1 -c64 -d5s "https://127.0.0.1:$NGINX_PORT/" > /dev/null

tsv="$out/results.tsv"
printf 'target\tcase\trequests\tok\treq_per_s\tp50_ms\tp99_ms\tcpu_us_per_req\trss_mb\tjit_pct\n' > "$tsv"
for c in h1 h2 hs lat1; do
  for t in nginx portcullis portcullis-chain; do
    case $t in nginx) pid=$nginx_pid port=$NGINX_PORT;; portcullis) pid=$gw_pid port=$GW_PORT;; *) pid=$chain_pid port=$CHAIN_PORT;; esac
    echo "  $t $c..." >&2
    run_case "$t" "$pid" "$port" "$c" >> "$tsv"
  done
done

read -r after_nginx after_gw after_chain < <(idle_rss 30)
printf 'target\tidle_after_start_mb\tidle_after_load_mb\nnginx\t%s\t%s\nportcullis\t%s\t%s\nportcullis-chain\t%s\t%s\n' \
  "$idle_nginx" "$after_nginx" "$idle_gw" "$after_gw" "$idle_chain" "$after_chain" > "$out/rss-idle.tsv"

python3 - "$tsv" "$DURATION" "$out/rss-idle.tsv" > "$out/summary.md" <<'PY'
import csv, sys, platform, subprocess, datetime
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
by = {(r['target'], r['case']): r for r in rows}
java = subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.splitlines()[0]
nginx = subprocess.run(['nginx', '-v'], capture_output=True, text=True).stderr.strip()
print(f"Load run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {platform.node()} ({subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPUs), "
      f"{java}, {nginx}; {sys.argv[2]} s per case; proxies pinned to CPU 1, load and backend to CPU 0.\n")
print("| case | target | req/s | p50 ms | p99 ms | CPU µs/req | RSS MB | req/s vs nginx | CPU/req vs nginx | non-2xx | JIT % of CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for case in ['h1', 'h2', 'hs', 'lat1']:
    base = by.get(('nginx', case))
    for t in ['nginx', 'portcullis', 'portcullis-chain']:
        r = by.get((t, case))
        if not r:
            continue
        ratio = lambda k: f"{float(r[k]) / float(base[k]) * 100:.0f} %" if base and float(base[k]) else "-"
        bad = int(r['requests']) - int(r['ok'])
        print(f"| {case} | {t} | {r['req_per_s']} | {r['p50_ms']} | {r['p99_ms']} | {r['cpu_us_per_req']} | {r['rss_mb']} | "
              f"{ratio('req_per_s')} | {ratio('cpu_us_per_req')} | {bad} | {r.get('jit_pct', '-')} |")
print("\n| target | RSS MB idle, 10 s after start | RSS MB idle, 30 s after the last case |")
print("|---|---|---|")
for r in csv.DictReader(open(sys.argv[3]), delimiter='\t'):
    print(f"| {r['target']} | {r['idle_after_start_mb']} | {r['idle_after_load_mb']} |")
PY
cat "$out/summary.md"
java -cp "$cp" io.portcullis.benchmarks.charts.BenchCharts "$tsv" >&2
echo "raw: $tsv" >&2
