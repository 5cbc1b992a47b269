#!/usr/bin/env bash
# Ceiling of the alert job's muting stage (one subtask), in incidents per CPU-second (see
# flink-jobs/src/test/java/io/hubwatch/jobs/alerting/bench/MuteCeilingBenchmark.java).
#   benchmarks/mute-ceiling.sh [HOSTS=20000] [ROUNDS=3]
# Results: benchmarks/results/alert-throughput.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CPFILE="$(mktemp)"
trap 'rm -f "$CPFILE"' EXIT
# the reactor resolves the sibling modules from their target/classes (no mvn install)
mvn -q -B -ntp -pl flink-jobs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CPFILE"
CP="$(cat "$CPFILE")"
java -Xmx4g -cp "flink-jobs/target/test-classes:flink-jobs/target/classes:$CP" \
  io.hubwatch.jobs.alerting.bench.MuteCeilingBenchmark "${1:-20000}" "${2:-3}"
