#!/usr/bin/env python3
"""How often a run of the shared latency harness (../shared/tools/latency/compare.sh 10) can meet each line of
issue 10, given what its runs measured: a bootstrap over the harness' own output files.

In the harness a value flips at a random moment and Hubwatch learns of it at the series' next 1 s push, so a
firing takes U(0, 1 s) (the push wait) plus the pipeline (sample timestamp to webhook). A run has ten firings per
variant. This draws many runs: Hubwatch's firings as a fresh U(0, 1 s) wait plus a pipeline time drawn from the
pipelines measured (startsAt to webhook), Prometheus + Alertmanager's firings drawn from the latencies measured, and
counts how often each line holds: the `for: 0s` median at most half of Prometheus' median, its max under 1 s, and the
`for: 5s` firing under 1 s beyond the `for`. It also prints the same odds for a pipeline of zero, which no push-fed
system can beat on this harness.

    python3 benchmarks/latency-odds.py /tmp/latency-out        # the harness' OUTDIR, default /tmp/latency-out

Stdlib only. The model takes each firing's push wait as independent and uniform, as the harness draws them.
"""
import glob
import json
import os
import random
import statistics
import sys


def load(pattern, key):
    out = []
    for path in sorted(glob.glob(pattern)):
        try:
            series = json.load(open(path))["series"]
        except (OSError, ValueError, KeyError):
            continue
        out.extend(key(r) for r in series)
    return [x for x in out if x is not None]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OUTDIR", "/tmp/latency-out")
    firing0 = lambda r: r["firing_latency_s"] if r["variant"].startswith("for=0s") else None
    prom = load(os.path.join(folder, "alert_latency-fast-*.json"), firing0)
    pipe = load(os.path.join(folder, "hubwatch-*.json"),
                lambda r: (r["t_fire"] - r["fire_startsAt"]) if r.get("t_fire") and r.get("fire_startsAt") else None)
    if len(prom) < 10 or len(pipe) < 10:
        sys.exit(f"too few measured firings in {folder}: {len(prom)} of Prometheus, {len(pipe)} of Hubwatch")
    rnd = random.Random(1)
    runs = 100_000
    print(f"measured: {len(prom)} Prometheus + AM firings (median {statistics.median(prom):.3f} s), "
          f"{len(pipe)} Hubwatch pipelines (median {1000 * statistics.median(pipe):.1f} ms)")
    for name, pipeline in (("measured pipeline", lambda: rnd.choice(pipe)), ("zero pipeline", lambda: 0.0)):
        ratio = max0 = max5 = every = 0
        for _ in range(runs):
            hub0 = [rnd.random() + pipeline() for _ in range(10)]
            hub5 = [rnd.random() + pipeline() for _ in range(10)]   # beyond the for
            p = [rnd.choice(prom) for _ in range(10)]
            a = statistics.median(hub0) <= 0.5 * statistics.median(p)
            b = max(hub0) < 1.0
            c = max(hub5) < 1.0
            ratio += a
            max0 += b
            max5 += c
            every += a and b and c
        print(f"{name:18}: median ratio <= 0.5 in {ratio / runs:.0%} of runs, for: 0s max < 1 s {max0 / runs:.0%}, "
              f"for: 5s < 1 s past the for {max5 / runs:.0%}, all three {every / runs:.0%}")


if __name__ == "__main__":
    main()
