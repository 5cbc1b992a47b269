#!/usr/bin/env bash
# Events per second through Kafka -> alert job -> incidents (see AlertThroughput's Javadoc).
# Usage: benchmarks/alert-throughput.sh [series=10000] [samplesPerSeries=60] [parallelism=2] [checkpointMs=job default]
# JAVA_OPTS is passed to the JVM, e.g. JAVA_OPTS=-XX:StartFlightRecording=filename=alert.jfr to profile a run.
# JAVA_OPTS=-Dunaligned=true runs the alert job with unaligned checkpoints (what barrier alignment costs under back-pressure).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl benchmarks -am
exec java -Xmx6g ${JAVA_OPTS:-} --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.hubwatch.bench.alerting.AlertThroughput "$@"
