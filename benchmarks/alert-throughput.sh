#!/usr/bin/env bash
# Events per second through Kafka -> alert job -> incidents (see AlertThroughput's Javadoc).
# Usage: benchmarks/alert-throughput.sh [series=10000] [samplesPerSeries=60] [parallelism=2] [checkpointMs=job default]
# The job runs JAVA_OPTS=-Dwarmups=2 times to let the JIT compile it, then -Druns=5 times: RESULT has their median (and
# the first run's rate as cold_events_per_second); a floor runs after each run of the job (and its median is the floor),
# and each run prints the CPU seconds of the JIT compiler and GC threads. -Dthreads=true prints each run's CPU by thread.
# JAVA_OPTS is passed to the JVM, e.g. JAVA_OPTS=-XX:StartFlightRecording=filename=alert.jfr to profile a run.
# JAVA_OPTS=-Dunaligned=true runs the alert job with unaligned checkpoints (what barrier alignment costs under back-pressure).
# JAVA_OPTS=-Dbuffer.timeout=100ms runs it with another network-buffer timeout than the job's 5 ms.
# JAVA_OPTS=-Dstate.backend=rocksdb runs the alert job on RocksDB with incremental checkpoints, as k8s/flink/alert-job.yaml does (default: the heap, as up runs it).
# JAVA_OPTS=-DkeyedFloor=true also runs a keyed floor (+ series key, keyBy, one state access per event, checkpoints) and prints KEYED_FLOOR.
# JAVA_OPTS=-Dbreaching=0.02 lets only 2 % of the series breach (default: all), as a mostly healthy fleet.
# JAVA_OPTS=-Dflapping=true makes every other sample before the final breach breach too (runs started and broken at once).
# JAVA_OPTS=-Danomaly=true runs the anomaly job beside it, as up does (cpu_usage and memory_usage scored; its incidents not counted).
source "$(dirname "${BASH_SOURCE[0]}")/jobs-common.sh"
build_benchmarks
exec java -Xmx6g ${JAVA_OPTS:-} --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "$BENCH_CP" io.hubwatch.bench.alerting.AlertThroughput "$@"
