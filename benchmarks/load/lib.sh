# Shared by run.sh and ab.sh: tools, clean-up, the distribution, the certificate, the backend and
# nginx configurations, gateway YAML, and CPU/RSS readings. Source it after setting root, work and
# BACKEND_PORT, NGINX_PORT (and SECRET for the chain YAML).

need_tools() { # installs nginx, wrk, h2load when run as root and missing; needs 2 CPUs
  local need=() pkgs=() t
  for t in nginx wrk h2load openssl taskset python3; do command -v "$t" >/dev/null 2>&1 || need+=("$t"); done
  if [ ${#need[@]} -gt 0 ]; then
    pkgs=(); for t in "${need[@]}"; do case $t in h2load) pkgs+=(nghttp2-client);; taskset) pkgs+=(util-linux);; *) pkgs+=("$t");; esac; done
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
    else
      echo "missing: ${need[*]} (apt-get install ${pkgs[*]})" >&2; exit 1
    fi
  fi
  [ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (proxy on one, load on the other)" >&2; exit 1; }
}

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

build_dist() { # builds the distribution and the benchmarks module; unpacks the former to $work/dist, sets $cp
  echo "building the distribution and the benchmarks module..." >&2
  (cd "$root" && ./mvnw -q -B -pl gateway-server,benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt)
  cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
  tarball=$(ls "$root"/gateway-server/target/portcullis-*.tar.gz | head -1)
  mkdir -p "$work/dist" && tar -xzf "$tarball" -C "$work/dist" --strip-components=1
  [ -x "$work/dist/bin/portcullis" ] || { echo "no bin/portcullis in $tarball" >&2; exit 1; }
}

write_confs() { # the certificate, the backend's and nginx's configurations, in $work
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  body=$(printf 'x%.0s' $(seq 1 100))

  cat > "$work/backend.conf" <<CONF
worker_processes 1; pid $work/backend.pid; error_log $work/backend-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND_PORT; location / { default_type text/plain; return 200 "$body"; } } }
CONF
  cat > "$work/nginx.conf" <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT ssl http2;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:S:10m;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  } }
CONF
}

started=0
start() { # name cpu command...: runs it in the background, pinned; its PID in $started
  local name=$1 cpu=$2; shift 2
  taskset -c "$cpu" "$@" > "$work/$name.out" 2>&1 &
  started=$!
  pids+=("$started")
}
wait_port() {
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; exit 1
}

ports_free() { # port...: exits when one is taken
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is already in use (a previous run still going?): stop it first" >&2; exit 1
    fi
  done
}
gateway_yaml() { # port [chain]: one HTTPS listener, every request proxied to the backend
  cat <<YAML
listeners:
  - {name: https, host: 127.0.0.1, port: $1, mode: https,
     tls: {certificates: [{certificateChain: $work/cert.pem, privateKey: $work/key.pem}]}}
admin: {enabled: false}
routes:
  - id: all
    path: /
    upstream: http://127.0.0.1:$BACKEND_PORT
YAML
  if [ "${2:-}" = chain ]; then cat <<YAML
    policies:
      - {type: jwt, settings: {issuers: [{issuer: bench, secret: "$SECRET"}], claimHeaders: {X-User-Id: sub}}}
      - {type: rate-limit, settings: {requests: 1000000000, per: 1s}}
      - {type: security-headers}
YAML
  fi
}

ticks() { # CPU ticks (user+system) of a process and its children
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo $total
}
jit_ticks() { # CPU ticks of the JVM's JIT compiler threads (0 for nginx)
  local total=0 t
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in C1\ Compi*|C2\ Compi*) total=$((total + $(awk '{print $14 + $15}' "$t/stat")));; esac
  done
  echo $total
}
rss_kb() { local total=0 p; for p in "$1" $(pgrep -P "$1" || true); do
  total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done; echo $total; }
hz=$(getconf CLK_TCK)
