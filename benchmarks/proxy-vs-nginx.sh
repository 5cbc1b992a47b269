#!/usr/bin/env bash
# Side by side in one run: the hubwatch cache proxy against nginx proxy_cache, same upstream, same 1.7 KB JSON,
# same load tool (wrk). Each server is pinned to core 0 with one worker / one event loop; wrk and the upstream run
# on core 1. Hits only (every key is warmed first). Writes benchmarks/results/cache-proxy-vs-nginx.md.
#   benchmarks/proxy-vs-nginx.sh            # DUR=15 CONNS=32 ROUNDS=3 by default
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/proxy-common.sh"
DUR="${DUR:-15}"; CONNS="${CONNS:-32}"; ROUNDS="${ROUNDS:-3}"
# Warm-up, not measured, the same for both sides: steps of WARMUP_STEP s on the proxy then WARMUP_STEP s on nginx (so
# the proxy also sees the idle gaps and fresh connections the rounds bring), until a proxy step compiled less than
# JIT_QUIET_MS, at least WARMUP s and at most WARMUP_MAX s per side. A fixed 10 s was not enough: the JIT's compiler
# threads share core 0 with the event loop, and the compiling that spilled into the first measured rounds (3,000 ms
# of it in round 1 of one run) set their p99; after the first idle gap the JIT recompiled the event loop's runIo and
# the accept path (made not entrant while the proxy idled during nginx's turn).
WARMUP="${WARMUP:-10}"; WARMUP_STEP="${WARMUP_STEP:-5}"; WARMUP_MAX="${WARMUP_MAX:-90}"; JIT_QUIET_MS="${JIT_QUIET_MS:-50}"
# other jobs share the 2 cores; both servers and wrk get the same raised priority so a time slice lost to a build
# does not decide the p99 (NICE=0 to measure without it)
NICE="${NICE:--10}"
PRIO="nice -n $NICE"
OUT="${OUT:-$ROOT/benchmarks/results/cache-proxy-vs-nginx.md}"
ensure_tools nginx wrk bc curl
build_bench
FACTS="$(machine_facts)"

$PRIO taskset -c 1 java -Xmx256m -cp "$CP" io.hubwatch.bench.proxy.BenchUpstream 19000 0 >"$WORK/upstream.log" 2>&1 &
PIDS+=($!)

rm -rf "$WORK/nginx" && mkdir -p "$WORK/nginx/cache" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<NGINX
user root;
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  proxy_cache_path $WORK/nginx/cache levels=1:2 keys_zone=hub:10m max_size=100m inactive=10m use_temp_path=off;
  upstream hub { server 127.0.0.1:19000; keepalive 16; }
  server {
    listen 127.0.0.1:18081;
    location / {
      proxy_pass http://hub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache hub;
      proxy_cache_valid 200 300s;
      proxy_cache_lock on;
      add_header X-Cache \$upstream_cache_status;
    }
  }
}
NGINX
$PRIO taskset -c 0 nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
PIDS+=($NGINX_PID)

proxy_config "$WORK/proxy.yaml" 18080 19000 nginx-compare 300s "[/api/v1/models]"
PROXY_JVM="${PROXY_JVM:--Xms512m -Xmx512m -XX:+UseParallelGC -XX:+AlwaysPreTouch}"
# the GC log (pauses with the JVM's uptime) stays in $WORK, for reading a bad round afterwards
$PRIO taskset -c 0 java $PROXY_JVM -Xlog:gc,safepoint:file="$WORK/proxy-gc.log":uptime -cp "$CP" io.hubwatch.proxy.ProxyMain --config "$WORK/proxy.yaml" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=($PROXY_PID)
wait_port 19000; wait_port 18081; wait_port 18080

URL_N="http://127.0.0.1:18081/api/v1/models"
URL_P="http://127.0.0.1:18080/api/v1/models"
for u in "$URL_N" "$URL_P"; do curl -s -o /dev/null "$u"; curl -s -o /dev/null "$u"; done
echo "nginx: $(curl -s -D - -o /dev/null "$URL_N" | grep -i '^x-cache' | tr -d '\r'); proxy: $(curl -s -D - -o /dev/null "$URL_P" | grep -i '^x-cache' | tr -d '\r')" >&2
BYTES=$(curl -s "$URL_P" | wc -c)

# what the proxy's JVM did besides serving during a round, from its perf counters (jstat reads a shared file, no
# attach): young/full GCs and their pause time, JIT compilations and their time. Taken between rounds, on core 1.
jvm_counters() { # pid -> "ygc ygct_ms fgc fgct_ms compiled compile_ms"
  local g c; g=$(jstat -gc "$1" | tail -1); c=$(jstat -compiler "$1" | tail -1)
  echo "$g" | awk -v c="$c" '{ n=split(c, cc, " "); printf "%d %.1f %d %.1f %d %.1f\n", $(NF-6), $(NF-5)*1000, $(NF-4), $(NF-3)*1000, cc[1], cc[4]*1000 }'
}
jvm_delta() { # before after -> "N young GCs (X ms), N full GCs (X ms), N JIT compilations (X ms)"
  read -r a1 a2 a3 a4 a5 a6 <<<"$1"; read -r b1 b2 b3 b4 b5 b6 <<<"$2"
  awk -v y=$((b1 - a1)) -v yt="$(echo "$b2 - $a2" | bc -l)" -v f=$((b3 - a3)) -v ft="$(echo "$b4 - $a4" | bc -l)" \
      -v c=$((b5 - a5)) -v ct="$(echo "$b6 - $a6" | bc -l)" \
      'BEGIN { printf "%d young GC (%.1f ms), %d full GC (%.1f ms), %d JIT compiles (%.0f ms)", y, yt, f, ft, c, ct }'
}
WARMED=0; WARMUP_LOG=""
while :; do
  J0=$(jvm_counters "$PROXY_PID")
  $PRIO taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP_STEP}s" "$URL_P" >/dev/null
  J1=$(jvm_counters "$PROXY_PID")
  $PRIO taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP_STEP}s" "$URL_N" >/dev/null
  WARMED=$((WARMED + WARMUP_STEP))
  JIT_MS=$(echo "$J0 $J1" | awk '{printf "%d", $12 - $6}')
  WARMUP_LOG+="${JIT_MS} "
  echo "warm-up ${WARMED} s each: the proxy's JIT compiled ${JIT_MS} ms in its last ${WARMUP_STEP} s" >&2
  [ "$WARMED" -ge "$WARMUP" ] && [ "$JIT_MS" -lt "$JIT_QUIET_MS" ] && break
  [ "$WARMED" -ge "$WARMUP_MAX" ] && break
done

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.3f", v}'; }
TCK=$(getconf CLK_TCK)
# CPU ticks (user + system, all threads) of a process and its children: nginx's master and worker, the whole JVM
cpu_ticks() { local t=0 p; for p in "$1" $(pgrep -P "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# busy and all ticks of core 0 and core 1 (/proc/stat: user nice system idle iowait irq softirq steal)
core_ticks() { awk '$1=="cpu0"||$1=="cpu1" {printf "%d %d ", $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# Who had the cores during a round: core 0 busy and the server's share of it (the rest is other processes: noise),
# core 1 busy and wrk's own share (a load generator near 100 % of its core adds its own queueing to the latency).
run() { # name url pid -> "rps p50 p99 cpu_us_per_request core0_busy% server% core1_busy% wrk% errors"
  local before after out c0 c1; before=$(cpu_ticks "$3"); c0=$(core_ticks)
  out=$($PRIO taskset -c 1 /usr/bin/time -f 'wrk-cpu %U %S' -o "$WORK/wrk-time" \
        wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "$2")
  after=$(cpu_ticks "$3"); c1=$(core_ticks)
  echo "$out" >>"$WORK/wrk-$1.log"
  local shares
  shares=$(echo "$c0 $c1 $((after - before)) $(awk '/wrk-cpu/{print ($2 + $3) * 100}' "$WORK/wrk-time") $TCK" | awk '{
    d0 = $6 - $2; d1 = $8 - $4; printf "%.0f %.0f %.0f %.0f", 100 * ($5 - $1) / d0, 100 * $9 / d0, 100 * ($7 - $3) / d1,
      $10 * $11 / d1 }')
  local rps p50 p99 errs n us
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  n=$(echo "$out" | awk '/requests in/{print $1}')
  us=$(echo "scale=2; ($after - $before) * 1000000 / $TCK / $n" | bc -l)
  p50=$(echo "$out" | awk '$1=="50%"{print $2}' | to_ms)
  p99=$(echo "$out" | awk '$1=="99%"{print $2}' | to_ms)
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/{print}' | tr '\n' ' ')
  echo "$rps $p50 $p99 $us $shares ${errs:-none}"
}
ROWS=""; JVM_ROWS=""
SUM_N=0; SUM_P=0; WORST_P99=0; CPU_N=0; CPU_P=0
for r in $(seq 1 "$ROUNDS"); do
  read -r rn p50n p99n cn b0n sn b1n wn en <<<"$(run nginx "$URL_N" "$NGINX_PID")"
  ln=$(cut -d' ' -f1 /proc/loadavg)
  J0=$(jvm_counters "$PROXY_PID")
  read -r rp p50p p99p cp b0p sp b1p wp ep <<<"$(run proxy "$URL_P" "$PROXY_PID")"
  lp=$(cut -d' ' -f1 /proc/loadavg)
  JD=$(jvm_delta "$J0" "$(jvm_counters "$PROXY_PID")")
  echo "round $r: nginx $rn rps p50 $p50n p99 $p99n cpu $cn us/req | proxy $rp rps p50 $p50p p99 $p99p cpu $cp us/req; proxy JVM: $JD" >&2
  JVM_ROWS+="- round $r: nginx's round: core 0 ${b0n} % busy (nginx ${sn} %), core 1 ${b1n} % (wrk ${wn} %); proxy's round: core 0 ${b0p} % busy (proxy ${sp} %), core 1 ${b1p} % (wrk ${wp} %); proxy JVM during its round: $JD"$'\n'
  ROWS+="| $r | nginx proxy_cache | $rn | $p50n | $p99n | $cn | $ln | $en |"$'\n'
  ROWS+="| $r | hubwatch proxy | $rp | $p50p | $p99p | $cp | $lp | $ep |"$'\n'
  SUM_N=$(echo "$SUM_N + $rn" | bc -l); SUM_P=$(echo "$SUM_P + $rp" | bc -l)
  CPU_N=$(echo "$CPU_N + $cn" | bc -l); CPU_P=$(echo "$CPU_P + $cp" | bc -l)
  WORST_P99=$(echo "if ($p99p > $WORST_P99) $p99p else $WORST_P99" | bc -l)
done
RATIO=$(echo "scale=3; $SUM_P / $SUM_N" | bc -l)
CPU_RATIO=$(echo "scale=3; $CPU_N / $CPU_P" | bc -l)
STATS=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:18080/_proxy/stats | python3 -c '
import json, sys
e = json.load(sys.stdin)["endpoints"]["/api/v1/models"]
h = e["latency_hit"]
print("hits_l1 %d, misses %d; time inside the proxy per hit (request parsed to response written): p50 %.3f ms, p99 %.3f ms, max %.3f ms"
      % (e["hits_l1"], e["misses"], h["p50_ms"], h["p99_ms"], h["max_ms"]))')

mkdir -p "$(dirname "$OUT")"
# each run is appended as its own section: on a shared machine one run is one sample
[ -f "$OUT" ] || printf '# Cache proxy vs nginx proxy_cache (hits)\n\nEach section is one run of `benchmarks/proxy-vs-nginx.sh`, newest last.\n' >"$OUT"
{
  echo
  echo "## Run $(date -u +%FT%TZ)"
  echo
  echo "$FACTS"
  echo "- load after run (uptime): $(uptime | sed 's/.*load average/load average/') (other workers share these 2 cores)"
  echo "- command: \`benchmarks/proxy-vs-nginx.sh\` (DUR=$DUR CONNS=$CONNS ROUNDS=$ROUNDS WARMUP=$WARMUP WARMUP_STEP=$WARMUP_STEP WARMUP_MAX=$WARMUP_MAX JIT_QUIET_MS=$JIT_QUIET_MS)"
  echo "- set-up: same upstream (BenchUpstream, Vert.x, core 1), same $BYTES-byte JSON at /api/v1/models, all requests hits;"
  echo "  nginx 1 worker and the proxy 1 event loop, each pinned to core 0 (\`taskset -c 0\`), never running at the same time;"
  echo "  all four processes (nginx, proxy, upstream, wrk) run at \`nice -n $NICE\`;"
  echo "  wrk pinned to core 1: \`wrk -t1 -c$CONNS -d${DUR}s --latency URL\`; proxy JVM: \`$PROXY_JVM\`"
  echo "- warm-up, not measured, the same for both: ${WARMED} s of the same wrk load on each server, in alternating"
  echo "  ${WARMUP_STEP}-s steps, until a proxy step compiled less than ${JIT_QUIET_MS} ms (its JIT time per step, ms: ${WARMUP_LOG% })"
  echo
  echo "| round | server | requests/s | p50 ms | p99 ms | server CPU µs/request | load (1 min) after | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  printf "%s" "$ROWS"
  echo
  echo "**Throughput ratio proxy/nginx (sum over rounds): $RATIO**; worst proxy p99: ${WORST_P99} ms. Goal: ratio >= 0.60 and p99 < 4 ms."
  echo
  echo "**CPU-cost ratio (nginx CPU per request / proxy CPU per request, mean over rounds): $CPU_RATIO** — the throughput"
  echo "each would reach on a core of its own, relative to nginx; it does not depend on how much of core 0 other jobs took"
  echo "(CPU time from /proc/PID/stat, user + system, all threads of the JVM, master + worker of nginx)."
  echo
  echo "Proxy counters after the run: $STATS"
  echo
  echo "Who had the cores in each round (/proc/stat; the rest of core 0's busy time beside the server is other processes):"
  echo
  printf "%s" "$JVM_ROWS"
} >>"$OUT"
echo "appended to $OUT" >&2
