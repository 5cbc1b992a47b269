#!/usr/bin/env bash
# Rule-to-incident latency with N live series (see RuleLatency's Javadoc).
# Usage: benchmarks/rule-latency.sh [series=10000] [intervalMs=5000] [seconds=120] [outOfOrdernessMs=job default] [checkpointMs=job default]
# JAVA_OPTS is passed to the JVM (e.g. a JFR recording).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl benchmarks -am
exec java -Xmx6g ${JAVA_OPTS:-} --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.hubwatch.bench.alerting.RuleLatency "$@"
