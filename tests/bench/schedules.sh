#!/usr/bin/env bash
# schedules.sh — benchmark of every --schedule on an uneven kernel (primes: cost grows with i) and
# a random heavy-tailed one (heavy_tail), at 1, 2 and 4 ranks, each point the median of R runs.
# Writes one row per (kernel, ranks, schedule) with the median wall time, median load imbalance
# and both as ratios against `block` measured in the same sweep, plus the claims and their cost.
# Not a test: nothing here asserts on time. Run from anywhere:
#   tests/bench/schedules.sh [--quick] [--repeat R] [--ranks "1 2 4"] [--case "KERNEL RANGE"]...
#                            [--schedules "block dynamic ..."] [--out FILE] [MPISCALE]
# --quick uses tiny ranges and one repeat (the smoke run in ctest); --case replaces the default
# cases (primes 0:30M, heavy_tail 0:400K); block is always run, as the reference. Default output:
# tests/bench/results/schedules.tsv. With more ranks than cores the times include waiting for a
# core; the file says how many cores there were.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repeat=3 quick=0 ranks="1 2 4" out="$here/results/schedules.tsv" bin="$root/build/mpiscale"
cases=() schedules="block cyclic block-cyclic dynamic guided weighted"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; repeat=1; shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --case) cases+=("$2"); shift 2 ;;
    --schedules) schedules="block ${2//block /}"; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "schedules.sh: unknown option $1" >&2; exit 2 ;;
    *) bin=$1; shift ;;
  esac
done
[ -x "$bin" ] || { echo "schedules.sh: no mpiscale at $bin (build first, or pass its path)" >&2; exit 2; }
run=${MSC_MPI_RUN:-$root/tests/mpi_run.sh}
if [ ${#cases[@]} -eq 0 ] && [ "$quick" = 1 ]; then
  cases=("primes 0:300K" "heavy_tail 0:5K")
elif [ ${#cases[@]} -eq 0 ]; then
  cases=("primes 0:30M" "heavy_tail 0:400K")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
json=$tmp/runs.jsonl
for c in "${cases[@]}"; do
  set -- $c
  for np in $ranks; do
    for rep in $(seq "$repeat"); do
      for s in $schedules; do # interleaved, so drifts in machine load hit every schedule alike
        bash "$run" "$np" 900 "$bin" -k "$1" -r "$2" --schedule "$s" --json "$json" -q >/dev/null
        echo "  $1 $2 P=$np $s run $rep done" >&2
      done
    done
  done
done
mkdir -p "$(dirname "$out")"
python3 - "$json" "$out" "$repeat" "$(nproc)" <<'PY'
import json, statistics, sys, datetime
runs = [json.loads(l) for l in open(sys.argv[1])]
out, repeat, cores = sys.argv[2], int(sys.argv[3]), sys.argv[4]
groups = {}
for r in runs:
    key = (r["kernel"], f'{r["range"]["start"]}:{r["range"]["end"]}', r["ranks"], r["balance"]["kind"])
    groups.setdefault(key, []).append(r)
digests = {}
for (k, rng, p, s), rs in groups.items():
    digests.setdefault((k, rng), set()).update(r["digest"] for r in rs)
    if not all(r["verified"] for r in rs):
        sys.exit(f"unverified run in {k} {rng} P={p} {s}")
for key, d in digests.items():
    if len(d) != 1:
        sys.exit(f"digests differ across schedules/ranks for {key}: {sorted(d)}")
med = lambda rs, f: statistics.median(f(r) for r in rs)
lines = [f"# mpiscale schedules benchmark, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, "
         f"{cores} cores, medians of {repeat} runs; ratios against block at the same kernel, range and P",
         "kernel\trange\tranks\tschedule\twall_s\twall_vs_block\timbalance\timbalance_vs_block\tidle_s\tclaims\tclaims_s"]
for (k, rng, p, s) in sorted(groups, key=lambda x: (x[0], x[2], "block cyclic block-cyclic dynamic guided weighted".split().index(x[3]))):
    rs = groups[(k, rng, p, s)]
    base = groups.get((k, rng, p, "block"))
    w, imb = med(rs, lambda r: r["wall_s"]), med(rs, lambda r: r["imbalance"])
    bw = med(base, lambda r: r["wall_s"]) if base else float("nan")
    bi = med(base, lambda r: r["imbalance"]) if base else float("nan")
    ratio_i = imb / bi if bi > 0 else float("nan")
    sched = rs[0]["schedule"]
    lines.append(f"{k}\t{rng}\t{p}\t{sched}\t{w:.4f}\t{w / bw:.3f}\t{imb:.4f}\t{ratio_i:.3f}\t"
                 f"{med(rs, lambda r: r['balance']['idle_s']):.4f}\t{int(med(rs, lambda r: r['balance']['claims']))}\t"
                 f"{med(rs, lambda r: r['balance']['claims_s']):.6f}")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
print(f"digests: one per kernel over every schedule and rank count ({len(digests)} kernels); all runs verified")
PY
echo "written: $out"
