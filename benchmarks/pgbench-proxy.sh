#!/usr/bin/env bash
# pgbench through Hubwatch's PostgreSQL proxy and through PgBouncer, in the same run, on the same primary:
# select-only (-S), 16 clients, transaction pooling, pool size 20 on both; the ratio of their tps is the result.
# Then pgbench -M prepared (select-only and the default read-write script) through the proxy, which PgBouncer
# before 1.21 cannot do in transaction pooling.
# Besides tps, each run reports the CPU time the proxy or PgBouncer process used per transaction (/proc/PID/stat), a
# measure that a busy machine disturbs less than tps.
# Usage: benchmarks/pgbench-proxy.sh [seconds=20] [scale=10] [pairs=3]   (run as root: installs pgbouncer if missing)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_PER_RUN="${1:-20}"
SCALE="${2:-10}"
PAIRS="${3:-3}"
CLIENTS=16
POOL=20
DB="pgbench_proxy_$$"
WORK="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

command -v pgbouncer >/dev/null || { apt-get install -y -q pgbouncer >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q pgbouncer >/dev/null; }; }
bin/services >/dev/null

PROXY_PORT="$(free_port)"
BOUNCER_PORT="$(free_port)"
cleanup() {
  [ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null || true
  [ -n "${BOUNCER_PID:-}" ] && kill "$BOUNCER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
pgbench -i -q -s "$SCALE" -h 127.0.0.1 -U postgres "$DB" >/dev/null 2>&1

cat >"$WORK/proxy.yaml" <<YAML
postgres:
  listen: 127.0.0.1:$PROXY_PORT
  primary: postgres://postgres@127.0.0.1:5432/$DB
  pool_mode: transaction
  pool_size: $POOL
YAML
cat >"$WORK/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
auth_type = trust
auth_file = $WORK/userlist.txt
pool_mode = transaction
default_pool_size = $POOL
max_client_conn = 200
unix_socket_dir =
INI
echo '"postgres" ""' >"$WORK/userlist.txt"
chmod -R a+rX "$WORK"

bin/hubwatch db-proxy --config "$WORK/proxy.yaml" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
pgbouncer -u postgres "$WORK/pgbouncer.ini" >"$WORK/pgbouncer.log" 2>&1 &
BOUNCER_PID=$!
for _ in $(seq 1 300); do pg_isready -q -h 127.0.0.1 -p "$PROXY_PORT" && pg_isready -q -h 127.0.0.1 -p "$BOUNCER_PORT" && break; sleep 1; done

bench() { # port, extra args -> tps
  pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -h 127.0.0.1 -p "$1" -U postgres "${@:2}" "$DB" 2>&1 \
    | tee -a "$WORK/runs.log" | awk '/^tps/ {print $3}' || true
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system CPU, in 1/100 s
measured() { # pid, port -> "tps cpu-microseconds-per-transaction"
  local t0 tps t1
  t0=$(ticks "$1"); tps=$(bench "$2" -S); t1=$(ticks "$1")
  python3 -c "print(f'$tps {($t1 - $t0) * 1e4 / ($tps * $SECONDS_PER_RUN):.1f}')"
}
# warm up both: the proxy's JIT compiler needs more than PgBouncer, which has none
bench "$PROXY_PORT" -S -T 15 >/dev/null
bench "$BOUNCER_PORT" -S -T 5 >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# interleaved pairs, so a change in the machine's load hits both
SUM_B=0; SUM_P=0
for i in $(seq 1 "$PAIRS"); do
  read -r B CB <<<"$(measured "$BOUNCER_PID" "$BOUNCER_PORT")"
  read -r P CP <<<"$(measured "$PROXY_PID" "$PROXY_PORT")"
  echo "pair $i: pgbouncer $B tps ($CB us CPU/tx), proxy $P tps ($CP us CPU/tx), load $(cut -d' ' -f1 /proc/loadavg)"
  SUM_B=$(python3 -c "print($SUM_B + $B)"); SUM_P=$(python3 -c "print($SUM_P + $P)")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
PREP_S=$(bench "$PROXY_PORT" -S -M prepared)
PREP_RW=$(bench "$PROXY_PORT" -M prepared)
FAILED=$(grep -c "aborted\|error" "$WORK/runs.log" || true)
RATIO=$(python3 -c "print(f'{$SUM_P / $SUM_B:.2f}')")
echo "ratio proxy/pgbouncer (sum of the pairs' tps): $RATIO (target >= 0.8)"
grep -E "error|abort" "$WORK/runs.log" | sort | uniq -c | head -5 || true
echo "proxy -M prepared -S tps: $PREP_S; -M prepared read-write tps: $PREP_RW; runs with errors: $FAILED"
