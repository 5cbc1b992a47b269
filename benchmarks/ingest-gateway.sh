#!/usr/bin/env bash
# Events per second the ingest gateway accepts in batches (see IngestThroughput's Javadoc).
# Usage: benchmarks/ingest-gateway.sh [batch=500] [clients=8] [seconds=30]
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
build_benchmarks
exec java -Xmx2g -cp "$BENCH_CP" \
  io.hubwatch.bench.ingest.IngestThroughput "$@"
