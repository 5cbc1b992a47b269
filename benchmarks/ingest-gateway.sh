#!/usr/bin/env bash
# Events per second the ingest gateway accepts in batches (see IngestThroughput's Javadoc).
# Usage: benchmarks/ingest-gateway.sh [batch=500] [clients=8] [seconds=30]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl benchmarks -am
exec java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.hubwatch.bench.ingest.IngestThroughput "$@"
