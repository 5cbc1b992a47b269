#!/usr/bin/env bash
# Anomaly detector throughput with many live series, and state bytes per series (see
# flink-jobs/src/test/java/io/hubwatch/jobs/anomaly/bench/AnomalyThroughputBenchmark.java).
#   benchmarks/anomaly-throughput.sh [SERIES=10000] [ROUNDS=64] [TREES PER_RETRAIN SUBSAMPLE INTERVAL]
# Results: benchmarks/results/anomaly-nab.md
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
build_job_tests
# one core for the measurement: a single thread does all the work
java -Xmx6g -XX:+UseParallelGC -cp "$JOB_TEST_CP" \
  io.hubwatch.jobs.anomaly.bench.AnomalyThroughputBenchmark "${1:-10000}" "${2:-64}" "${@:3}"
