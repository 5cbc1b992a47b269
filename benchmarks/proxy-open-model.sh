#!/usr/bin/env bash
# Open-model latency of the cache proxy: requests arrive at a fixed 1,000/s whatever the proxy does (OpenLoad,
# latency from each request's intended start: no coordinated omission), 80 % of them for warm keys (hits), 20 % for
# new keys that go to an upstream answering after 50 ms. Proxy pinned to core 0, load generator and upstream to core 1.
# Writes benchmarks/results/cache-proxy-open-model.md.
#   benchmarks/proxy-open-model.sh           # RATE=1000 SECONDS_=30 HIT=0.8
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/proxy-common.sh"
RATE="${RATE:-1000}"; SECS="${SECONDS_:-30}"; HIT="${HIT:-0.8}"
OUT="${OUT:-$ROOT/benchmarks/results/cache-proxy-open-model.md}"
ensure_tools curl
build_bench
FACTS="$(machine_facts)"

taskset -c 1 java -Xmx256m -cp "$CP" io.hubwatch.bench.proxy.BenchUpstream 19001 50 >"$WORK/upstream50.log" 2>&1 &
PIDS+=($!)
proxy_config "$WORK/proxy-open.yaml" 18082 19001 open-model 60s "[]"
PROXY_JVM="-Xms512m -Xmx512m -XX:+UseParallelGC"
taskset -c 0 java $PROXY_JVM -cp "$CP" io.hubwatch.proxy.ProxyMain --config "$WORK/proxy-open.yaml" >"$WORK/proxy-open.log" 2>&1 &
PIDS+=($!)
wait_port 19001; wait_port 18082

# JIT warm-up at the same rate, not measured
taskset -c 1 java -Xmx512m -cp "$CP" io.hubwatch.bench.proxy.OpenLoad 127.0.0.1 18082 /api/v1/models/warm "$RATE" 10 "$HIT" 100 >/dev/null
RESULT=$(taskset -c 1 java -Xmx512m -cp "$CP" io.hubwatch.bench.proxy.OpenLoad 127.0.0.1 18082 /api/v1/models "$RATE" "$SECS" "$HIT" 100)
echo "$RESULT" >&2
P95=$(echo "$RESULT" | awk '$1=="all"{for(i=1;i<=NF;i++) if ($i ~ /^p95=/) {sub("p95=","",$i); print $i}}')
STATS=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:18082/_proxy/stats | tr -d '\n' | sed 's/  */ /g' | grep -o '"/api/v1/models" : {[^}]*' | head -1)

mkdir -p "$(dirname "$OUT")"
{
  echo "# Cache proxy, open model: $RATE requests/s, $(echo "$HIT * 100" | bc -l | cut -d. -f1) % hits, 50 ms upstream"
  echo
  echo "$FACTS"
  echo "- load after run (uptime): $(uptime | sed 's/.*load average/load average/') (other workers share these 2 cores)"
  echo "- command: \`benchmarks/proxy-open-model.sh\` (RATE=$RATE SECONDS_=$SECS HIT=$HIT)"
  echo "- set-up: proxy with 1 event loop pinned to core 0 (\`$PROXY_JVM\`); upstream (Vert.x, answers after 50 ms) and"
  echo "  the load generator (\`io.hubwatch.bench.proxy.OpenLoad\`, fixed schedule, HdrHistogram, latency from the intended"
  echo "  start) on core 1; hits are 100 warmed keys, misses are new keys; 10 s warm-up at the same rate not measured"
  echo
  echo '```'
  echo "$RESULT"
  echo '```'
  echo
  echo "**P95 over all requests: $P95 ms** (goal: < 60 ms)"
  echo
  echo "Proxy counters for /api/v1/models: \`$STATS}\`"
} >"$OUT"
echo "wrote $OUT" >&2
