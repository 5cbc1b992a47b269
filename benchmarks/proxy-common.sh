#!/usr/bin/env bash
# Shared set-up for the cache-proxy benchmarks (sourced): tools, build, classpath, process clean-up, machine facts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-/tmp/hubwatch-proxy-bench}"
mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

ensure_tools() {
  local missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (apt)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build_bench() {
  echo "building cache-proxy and the benchmark classes..." >&2
  # package, not install: a SNAPSHOT in the local repository would be picked up by other checkouts
  # one reactor for both goals: on a fresh machine the sibling modules (events, telemetry) are in no repository, so
  # build-classpath run alone (-pl cache-proxy) cannot resolve them; each module writes cp.txt, cache-proxy last
  (cd "$ROOT" && mvn -q -B -ntp -pl cache-proxy -am package dependency:build-classpath -DskipTests \
      -Dmdep.outputFile="$WORK/cp.txt" >"$WORK/build.log" 2>&1) || { tail -30 "$WORK/build.log"; exit 1; }
  rm -rf "$WORK/classes" && mkdir -p "$WORK/classes"
  CP="$ROOT/cache-proxy/target/classes:$(cat "$WORK/cp.txt")"
  javac -nowarn -d "$WORK/classes" -cp "$CP" "$ROOT"/benchmarks/src/main/java/io/hubwatch/bench/proxy/*.java
  CP="$WORK/classes:$CP"
}

wait_port() {
  for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done
  echo "nothing listens on port $1" >&2; exit 1
}

machine_facts() {
  echo "- machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name:[[:space:]]*//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "- date: $(date -u +%FT%TZ)"
  echo "- load before run (uptime): $(uptime | sed 's/.*load average/load average/')"
  echo "- java: $(java -version 2>&1 | head -1); nginx: $(nginx -v 2>&1 | sed 's/nginx version: //'); wrk: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
}

# Writes a proxy config for the one cached endpoint /api/v1/models (not varied by user), one event loop, Redis L2
# under its own key prefix, and a fresh admin token in ADMIN_TOKEN (one per run, never written to the results).
#   proxy_config FILE LISTEN_PORT UPSTREAM_PORT KEY_PREFIX TTL WARMUP_PATHS   # e.g. ... 300s "[/api/v1/models]"
proxy_config() {
  ADMIN_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat >"$1" <<YAML
listen: 127.0.0.1:$2
upstream: http://127.0.0.1:$3
redis: redis://127.0.0.1:6379
redis_key_prefix: "hwbench:$4:"
event_loops: 1
admin_token: "$ADMIN_TOKEN"
endpoints:
  /api/v1/models: {ttl: $5, vary_by_user: false}
warmup:
  paths: $6
YAML
}
