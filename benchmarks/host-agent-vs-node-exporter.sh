#!/usr/bin/env bash
# The lean host agent beside Debian's prometheus-node-exporter, both at a 1 s interval (see AgentOverhead's Javadoc).
# Usage: benchmarks/host-agent-vs-node-exporter.sh [seconds=120]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v prometheus-node-exporter >/dev/null || { apt-get update -qq && apt-get install -y -qq prometheus-node-exporter; }
mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl benchmarks,host-agent -am
# the harness is not measured, only the two processes it starts
exec java -Xmx512m -Dhubwatch.home="$ROOT" -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.hubwatch.bench.agent.AgentOverhead "$@"
