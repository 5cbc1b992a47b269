#!/usr/bin/env bash
# Anomaly detector throughput with many live series, and state bytes per series (see
# flink-jobs/src/test/java/io/hubwatch/jobs/anomaly/bench/AnomalyThroughputBenchmark.java).
#   benchmarks/anomaly-throughput.sh [SERIES=10000] [ROUNDS=20]
# Results: benchmarks/results/anomaly-nab.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -B -o -pl flink-jobs test-compile
CP="$(mvn -q -B -o -pl flink-jobs dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
# one core for the measurement: a single thread does all the work
exec java -Xmx6g -XX:+UseParallelGC -cp "flink-jobs/target/test-classes:flink-jobs/target/classes:$CP" \
  io.hubwatch.jobs.anomaly.bench.AnomalyThroughputBenchmark "${1:-10000}" "${2:-20}"
