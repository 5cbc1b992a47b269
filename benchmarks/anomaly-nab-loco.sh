#!/usr/bin/env bash
# Leave-one-category-out cross-validation of the anomaly detector's settings on a NAB slice (see
# anomaly-backtest/src/test/java/io/hubwatch/backtest/bench/NabLocoBenchmark.java), then the held-out categories and
# the in-sample output re-scored by an independent NAB scorer with the same fixed thresholds.
#   benchmarks/anomaly-nab-loco.sh NAB_DATA NAB_WINDOWS [OUT=benchmarks/work/nab-loco]
#   NABSCORE=path/to/nabscore.py benchmarks/anomaly-nab-loco.sh ...   # also re-score with nabscore.py
#   LOCO_FOREST=32,32,64,128 benchmarks/anomaly-nab-loco.sh ...        # another forest as the base (trees, per
#                                                                      # retraining, subsample, interval)
# Results: benchmarks/results/anomaly-nab.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(cd "$1" && pwd)"
WINDOWS="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
OUT="${3:-$ROOT/benchmarks/work/nab-loco}"
cd "$ROOT"
mkdir -p "$OUT"
CPFILE="$(mktemp)"
trap 'rm -f "$CPFILE"' EXIT
# the reactor resolves the sibling modules from their target/classes (no mvn install)
mvn -q -B -ntp -pl anomaly-backtest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CPFILE"
java -Xmx3g -Dloco.forest="${LOCO_FOREST:-}" -cp "anomaly-backtest/target/test-classes:anomaly-backtest/target/classes:$(cat "$CPFILE")" \
  io.hubwatch.backtest.bench.NabLocoBenchmark "$DATA" "$WINDOWS" "$OUT"
if [[ -n "${NABSCORE:-}" ]]; then
  for fold in "$OUT"/fold-*; do
    category="${fold##*/fold-}"
    echo "== nabscore.py, held-out $category, thresholds fixed on the other categories"
    python3 "$NABSCORE" --results "$fold" --data "$DATA" --windows "$WINDOWS" --subset "$category" \
      --thresholds "$fold/thresholds.json"
  done
  echo "== nabscore.py, in-sample"
  python3 "$NABSCORE" --results "$OUT/in-sample" --data "$DATA" --windows "$WINDOWS"
fi
