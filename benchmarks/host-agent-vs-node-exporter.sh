#!/usr/bin/env bash
# The lean host agent beside Debian's prometheus-node-exporter, both at a 1 s interval (see AgentOverhead's Javadoc).
# Usage: benchmarks/host-agent-vs-node-exporter.sh [seconds=120]
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
command -v prometheus-node-exporter >/dev/null || { apt-get update -qq && apt-get install -y -qq prometheus-node-exporter; }
build_benchmarks host-agent
# the harness is not measured, only the two processes it starts
exec java -Xmx512m -Dhubwatch.home="$ROOT" -cp "$BENCH_CP" \
  io.hubwatch.bench.agent.AgentOverhead "$@"
