#!/usr/bin/env bash
# Where a `for: 0s` alert's time goes in a running `bin/hubwatch up`, hop by hop (see AlertLatencyHops' Javadoc):
# starts `up` with one rule and a webhook route (group_by [alertname, sid], group_wait 0s, group_interval 1s, as the
# latency harness), pushes series every 1 s through the ingest gateway, flips some 10 -> 90 and times each hop.
# Usage: benchmarks/alert-latency.sh [flips=40] [background series=20]
# UP_ARGS is passed to `bin/hubwatch up` (e.g. UP_ARGS=--fresh).
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
FLIPS=${1:-40}
BACKGROUND=${2:-20}
build_benchmarks
bin/hubwatch --help >/dev/null   # builds up's classes first if the sources changed

work=$(mktemp -d /tmp/alert-latency.XXXXXX)
port=$((25000 + RANDOM % 5000))
cat >"$work/rules.yaml" <<'YAML'
rules:
  - id: lat_hops
    metric: probe_value
    op: ">"
    threshold: 80
    for: 0s
    severity: warning
    matchers: ['hold="hops"']
YAML
cat >"$work/notify.yml" <<YAML
route:
  receiver: hook
  group_by: [alertname, sid]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 3h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$port/hook
        send_resolved: true
hubwatch:
  allow_loopback: true
YAML

setsid bin/hubwatch up --rules "$work/rules.yaml" --notify "$work/notify.yml" ${UP_ARGS:-} >"$work/up.log" 2>&1 &
up_pid=$!
stop_up() {
  bin/hubwatch rules delete lat_hops >/dev/null 2>&1 || true
  if kill -0 "$up_pid" 2>/dev/null; then
    kill -TERM "$up_pid"
    for _ in $(seq 1 60); do kill -0 "$up_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- -"$up_pid" 2>/dev/null || true
  fi
}
trap stop_up EXIT
waited=0
until grep -q '^READY' "$work/up.log"; do
  kill -0 "$up_pid" 2>/dev/null || { echo "up exited before READY:"; tail -n 5 "$work/up.log"; exit 1; }
  sleep 2; waited=$((waited + 2))
  [ $waited -lt 600 ] || { echo "no READY in 600 s"; exit 1; }
done
ready=$(grep '^READY' "$work/up.log")
ingest=$(tr ' ' '\n' <<<"$ready" | sed -n 's/^ingest=//p')
kafka=$(tr ' ' '\n' <<<"$ready" | sed -n 's/^kafka=//p')
echo "up ready ($(uptime | sed 's/.*load/load/')); $(nproc) cores; $(date -u +%FT%TZ)"
# what the idle `up` costs (its JVM: broker, both jobs, gateway, notifier, agent), before any push: the network-buffer
# flush timers and pollers run whether or not anything flows. utime+stime of the process, in clock ticks.
# Flink's OutputFlusher threads (one per task output) wake every buffer timeout: their own share is given apart.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$up_pid/stat"; }
flusher_ticks() {
  local sum=0 t
  for t in /proc/$up_pid/task/*; do
    grep -q '^OutputFlusher' "$t/comm" 2>/dev/null && sum=$((sum + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)))
  done
  echo $sum
}
sleep 20; t0=$(cpu_ticks); f0=$(flusher_ticks); sleep 30; t1=$(cpu_ticks); f1=$(flusher_ticks)
flushers=$(grep -l '^OutputFlusher' /proc/$up_pid/task/*/comm 2>/dev/null | wc -l)
pct() { awk -v d="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", 100 * d / hz / 30}'; }
echo "idle up: $(pct $((t1 - t0))) % of one core over 30 s, of which $flushers OutputFlusher threads $(pct $((f1 - f0))) %"
java -Xmx256m -cp "$BENCH_CP" io.hubwatch.bench.alerting.AlertLatencyHops --ingest "$ingest" \
  --key "$(cat .hubwatch/ingest-key)" --kafka "$kafka" --webhook-port "$port" --flips "$FLIPS" --background "$BACKGROUND"
flink=$(tr ' ' '\n' <<<"$ready" | sed -n 's/^flink-rest=//p')
# the alert job's tasks: every arrow between two of them is a network exchange (a buffer timeout on the way)
python3 - "$flink" <<'PY' || true
import json, sys, urllib.request
base = sys.argv[1]
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=5))
for job in get("/jobs/overview")["jobs"]:
    if job["state"] != "RUNNING" or "lert" not in job["name"]:
        continue
    plan = get("/jobs/%s/plan" % job["jid"])["plan"]
    names = {n["id"]: n["description"].split("<br/>")[0][:60] for n in plan["nodes"]}
    print("tasks of %s:" % job["name"])
    for n in plan["nodes"]:
        ins = ", ".join("%s (%s)" % (names[i["id"]][:30], i.get("ship_strategy")) for i in n.get("inputs", []))
        print("  p=%d %s <- %s" % (n["parallelism"], names[n["id"]], ins or "-"))
PY
echo "done ($(uptime | sed 's/.*load/load/'))"
