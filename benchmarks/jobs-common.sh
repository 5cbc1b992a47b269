#!/usr/bin/env bash
# Shared preamble (sourced) of the scripts that build a module and run one of its Java mains: the repository root as
# the working directory, and a build that packages or test-compiles, never installs (a SNAPSHOT in the shared local
# repository would be picked up by other checkouts).
#   source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
#   build_benchmarks [more modules]   # sets BENCH_CP: the benchmarks module's classes and dependencies
#   exec java -Xmx2g -cp "$BENCH_CP" io.hubwatch.bench.ingest.IngestThroughput "$@"
#   build_job_tests                   # sets JOB_TEST_CP: flink-jobs' test and main classes and their test scope
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

build_benchmarks() {
  local modules="benchmarks" m
  for m in "$@"; do modules+=",$m"; done
  mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl "$modules" -am
  # benchmarks/pom.xml writes its dependencies' classpath at package time
  BENCH_CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
}

build_job_tests() {
  local cpfile
  cpfile="$(mktemp)"
  # the reactor resolves the sibling modules from their target/classes (no mvn install)
  mvn -q -B -ntp -pl flink-jobs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cpfile"
  JOB_TEST_CP="flink-jobs/target/test-classes:flink-jobs/target/classes:$(cat "$cpfile")"
  rm -f "$cpfile"
}
