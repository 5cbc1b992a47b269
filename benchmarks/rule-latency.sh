#!/usr/bin/env bash
# Rule-to-incident latency with N live series (see RuleLatency's Javadoc).
# Usage: benchmarks/rule-latency.sh [series=10000] [intervalMs=5000] [seconds=120] [outOfOrdernessMs=job default] [checkpointMs=job default]
# JAVA_OPTS is passed to the JVM (e.g. a JFR recording).
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
build_benchmarks
exec java -Xmx6g ${JAVA_OPTS:-} --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "$BENCH_CP" io.hubwatch.bench.alerting.RuleLatency "$@"
