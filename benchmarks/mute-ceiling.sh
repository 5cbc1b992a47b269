#!/usr/bin/env bash
# Ceiling of the alert job's muting stage (one subtask), in incidents per CPU-second (see
# flink-jobs/src/test/java/io/hubwatch/jobs/alerting/bench/MuteCeilingBenchmark.java).
#   benchmarks/mute-ceiling.sh [HOSTS=20000] [ROUNDS=3]
# Results: benchmarks/results/alert-throughput.md
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
build_job_tests
java -Xmx4g -cp "$JOB_TEST_CP" io.hubwatch.jobs.alerting.bench.MuteCeilingBenchmark "${1:-20000}" "${2:-3}"
