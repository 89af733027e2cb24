#!/usr/bin/env bash
# A/B: two Portcullis variants beside nginx, measured in alternating rounds, so that a machine
# whose speed drifts (these VMs drift by tens of percent within minutes) weighs on all three alike.
# Loopback only; everything started here is stopped on exit; every load step is bounded.
#
#   JOPTS_B=-Dportcullis.transport=epoll benchmarks/load/ab.sh     # one build, two JVM option sets
#   DIST_A=/path/to/old-dist DIST_B=/path/to/new-dist benchmarks/load/ab.sh   # two builds
#
# A and B default to the distribution built from this tree (unpacked to a temporary directory).
# Settings: ROUNDS (4), DURATION per case and target (15 s), WARMUP per target (90 s, then 20 s of
# each case), CASES ("h1 h2"; also "hs": a new TLS connection per request), CHAIN=1 for the full
# policy chain on both variants, CHAIN=B for the chain on B only (A plain, same request: what the
# chain costs). Prints one line per round and case: CPU µs per request (CPU time of the proxy's
# processes / requests) and requests/s for nginx, A and B; then the means, and A and B as a share
# of nginx and of each other. Raw lines go to benchmarks/results/ab-<UTC time>.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-4}; DURATION=${DURATION:-15}; WARMUP=${WARMUP:-90}; CASES=${CASES:-"h1 h2"}
# below Linux's ephemeral range (32768-60999), so no client socket of the load can hold one
BACKEND_PORT=28080; NGINX_PORT=28443; A_PORT=28444; B_PORT=28445
SECRET="load-run-hmac-secret-0123456789abcdef"
out="$root/benchmarks/results/ab-$(date -u +%Y%m%dT%H%M%SZ).txt"
work=$(mktemp -d)
mkdir -p "$root/benchmarks/results"
pids=()
# shellcheck source=lib.sh
. "$root/benchmarks/load/lib.sh"
need_tools
if [ -z "${DIST_A:-}" ] || [ -z "${DIST_B:-}" ] || [ -n "${CHAIN:-}" ]; then
  build_dist # also the benchmarks module, whose LoadTestGateway signs the chain's token
fi
DIST_A=${DIST_A:-$work/dist}; DIST_B=${DIST_B:-$work/dist}
write_confs
ports_free $BACKEND_PORT $NGINX_PORT $A_PORT $B_PORT

start backend 0 nginx -c "$work/backend.conf" -g 'daemon off;'; wait_port $BACKEND_PORT
start nginx 1 nginx -c "$work/nginx.conf" -g 'daemon off;'; nginx_pid=$started; wait_port $NGINX_PORT
export PORTCULLIS_ACCESS_LOG=OFF
case ${CHAIN:-} in
  '') chain_a=; chain_b=;; B) chain_a=; chain_b=chain;; *) chain_a=chain; chain_b=chain;;
esac
gateway_yaml $A_PORT $chain_a > "$work/a.yaml"
gateway_yaml $B_PORT $chain_b > "$work/b.yaml"
JAVA_OPTS="${JOPTS_A:-}" PORTCULLIS_DATA="$work/data-a" PORTCULLIS_LOG_DIR="$work/logs-a" \
  start a 1 "$DIST_A/bin/portcullis" run --config "$work/a.yaml"; a_pid=$started; wait_port $A_PORT
JAVA_OPTS="${JOPTS_B:-}" PORTCULLIS_DATA="$work/data-b" PORTCULLIS_LOG_DIR="$work/logs-b" \
  start b 1 "$DIST_B/bin/portcullis" run --config "$work/b.yaml"; b_pid=$started; wait_port $B_PORT
grep -h "listener 'https'" "$work/a.out" "$work/b.out" | sed 's/.*listener/  listener/' >&2 || true
auth=()
if [ -n "${CHAIN:-}" ]; then
  token=$(java -cp "$cp" io.portcullis.benchmarks.LoadTestGateway --token "$SECRET")
  auth=(-H "Authorization: Bearer $token")
fi

load() { # case port seconds: prints the requests completed (nginx gets no Authorization header)
  local a=("${auth[@]}"); [ "$2" = $NGINX_PORT ] && a=()
  case $1 in
    h1) timeout $(($3 + 30)) taskset -c 0 wrk -t1 -c64 -d"$3s" "${a[@]}" "https://127.0.0.1:$2/" | awk '/requests in/ {print $1}';;
    h2) timeout $(($3 + 30)) taskset -c 0 h2load -c32 -m10 -t1 -D "$3" "${a[@]}" "https://127.0.0.1:$2/" | awk '/^requests:/ {print $8}';;
    hs) timeout $(($3 + 30)) taskset -c 0 wrk -t1 -c16 -d"$3s" -H 'Connection: close' "${a[@]}" "https://127.0.0.1:$2/" | awk '/requests in/ {print $1}';;
  esac
}
n_cases=$(echo $CASES | wc -w)
echo "warming up A and B (${WARMUP} s each)..." >&2
for port in $A_PORT $B_PORT; do for c in $CASES; do load "$c" $port $((WARMUP / n_cases)) > /dev/null; done; done
for c in $CASES; do for port in $A_PORT $B_PORT; do load "$c" $port 20 > /dev/null; done; done

for r in $(seq 1 "$ROUNDS"); do
  for c in $CASES; do
    line="$c"
    for t in nginx:$nginx_pid:$NGINX_PORT A:$a_pid:$A_PORT B:$b_pid:$B_PORT; do
      IFS=: read -r name pid port <<< "$t"
      t0=$(ticks "$pid"); n=$(load "$c" "$port" "$DURATION"); t1=$(ticks "$pid")
      line="$line $name $(awk -v d=$((t1 - t0)) -v n="$n" -v hz="$hz" 'BEGIN {printf "%.1f", d / hz * 1e6 / n}') $((n / DURATION))"
    done
    echo "$line" | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    rows[f[0]].append({f[i]: float(f[i + 1]) for i in range(1, len(f), 3)})
print("case  rounds  CPU µs/req mean (nginx, A, B)  A/nginx  B/nginx  B/A  (per round B/A)")
for case, rs in rows.items():
    m = {k: sum(r[k] for r in rs) / len(rs) for k in ('nginx', 'A', 'B')}
    per = ' '.join(f"{r['B'] / r['A']:.2f}" for r in rs)
    print(f"{case:4}  {len(rs):6}  {m['nginx']:.1f}, {m['A']:.1f}, {m['B']:.1f}"
          f"  {m['A'] / m['nginx']:.2f}  {m['B'] / m['nginx']:.2f}  {m['B'] / m['A']:.2f}  ({per})")
PY
echo "raw: $out" >&2
