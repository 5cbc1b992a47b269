#!/usr/bin/env bash
# Anomaly detector throughput with many live series, and state bytes per series (see
# flink-jobs/src/test/java/io/hubwatch/jobs/anomaly/bench/AnomalyThroughputBenchmark.java).
#   benchmarks/anomaly-throughput.sh [SERIES=10000] [ROUNDS=64] [TREES PER_RETRAIN SUBSAMPLE INTERVAL]
# Results: benchmarks/results/anomaly-nab.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CPFILE="$(mktemp)"
trap 'rm -f "$CPFILE"' EXIT
# the reactor resolves the sibling modules from their target/classes (no mvn install)
mvn -q -B -ntp -pl flink-jobs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CPFILE"
CP="$(cat "$CPFILE")"
# one core for the measurement: a single thread does all the work
java -Xmx6g -XX:+UseParallelGC -cp "flink-jobs/target/test-classes:flink-jobs/target/classes:$CP" \
  io.hubwatch.jobs.anomaly.bench.AnomalyThroughputBenchmark "${1:-10000}" "${2:-64}" "${@:3}"
