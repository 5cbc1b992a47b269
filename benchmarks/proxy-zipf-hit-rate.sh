#!/usr/bin/env bash
# Hit rate of the proxy's cache levels on a Zipf(0.99) trace over 100,000 keys, L1 bounded to 10 % of the keys'
# bytes, L2 the Redis at 127.0.0.1:6379. Writes benchmarks/results/cache-proxy-zipf-hit-rate.md.
#   benchmarks/proxy-zipf-hit-rate.sh        # KEYS=100000 REQUESTS=1000000 S=0.99
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/proxy-common.sh"
KEYS="${KEYS:-100000}"; REQUESTS="${REQUESTS:-1000000}"; S="${S:-0.99}"
OUT="${OUT:-$ROOT/benchmarks/results/cache-proxy-zipf-hit-rate.md}"
build_bench
FACTS="$(machine_facts)"
RESULT=$(java -Xmx2g -cp "$CP" io.hubwatch.bench.proxy.ZipfHitRate "$KEYS" "$REQUESTS" "$S" 2>/dev/null)
echo "$RESULT" >&2
BOUND=$(python3 -c "
s=$S; n=$KEYS; w=[1/k**s for k in range(1,n+1)]; print(round(sum(w[:n//10])/sum(w),4))")
{
  echo "# Cache proxy hit rate, Zipf($S) over $KEYS keys, L1 = 10 % of keys"
  echo
  echo "$FACTS"
  echo "- command: \`benchmarks/proxy-zipf-hit-rate.sh\` (KEYS=$KEYS REQUESTS=$REQUESTS S=$S)"
  echo "- set-up: the proxy's own L1Cache (Caffeine W-TinyLFU, bounded in bytes to 10 % of all keys' entries) over its"
  echo "  RedisTier (L2, 127.0.0.1:6379); each entry is the 1.7 KB JSON stored identity + gzip + brotli; a miss in both"
  echo "  stores into both, as the proxy does; seeded trace (\`io.hubwatch.bench.proxy.ZipfHitRate\`)"
  echo
  echo '```'
  echo "$RESULT"
  echo '```'
  echo
  echo "Upper bound for any L1 of 10 % of the keys on this trace (the 10 % most popular keys held forever): $BOUND."
} >"$OUT"
echo "wrote $OUT" >&2
