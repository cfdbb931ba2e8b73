#!/usr/bin/env bash
# chunks.sh — measures the default rules for --segments and the dynamic chunk: for a kernel whose
# cost grows along the range (primes) and a uniform one (do_math), at 2 ranks, it runs block and
# dynamic:K for K = 1, 4, 16, 64 and the default, at S = 256, 1024 and 4096 segments, and records
# median wall time and imbalance, with dynamic's wall time as a ratio to block's at the same S.
#   tests/bench/chunks.sh [--quick] [--repeat R] [--out FILE] [MPISCALE]
# Default output: tests/bench/results/chunks.tsv. Not a test: nothing asserts on time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repeat=3 quick=0 np=2 out="$here/results/chunks.tsv" bin="$root/build/mpiscale"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; repeat=1; shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "chunks.sh: unknown option $1" >&2; exit 2 ;;
    *) bin=$1; shift ;;
  esac
done
[ -x "$bin" ] || { echo "chunks.sh: no mpiscale at $bin (build first, or pass its path)" >&2; exit 2; }
run=${MSC_MPI_RUN:-$root/tests/mpi_run.sh}
if [ "$quick" = 1 ]; then cases=("primes 0:300K" "do_math 0:10M"); else cases=("primes 0:20M" "do_math 0:1G"); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
json=$tmp/runs.jsonl
for c in "${cases[@]}"; do
  set -- $c
  for seg in 256 1024 4096; do
    for rep in $(seq "$repeat"); do
      for s in block dynamic:1 dynamic:4 dynamic:16 dynamic:64 dynamic; do
        bash "$run" "$np" 900 "$bin" -k "$1" -r "$2" -s "$seg" --schedule "$s" --json "$json" -q >/dev/null
        echo "  $1 S=$seg $s run $rep done" >&2
      done
    done
  done
done
mkdir -p "$(dirname "$out")"
python3 - "$json" "$out" "$repeat" "$(nproc)" "$np" <<'PY'
import json, statistics, sys, datetime
runs = [json.loads(l) for l in open(sys.argv[1])]
out, repeat, cores, np = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
groups = {}
for r in runs:
    if not r["verified"]:
        sys.exit(f"unverified run: {r['kernel']} {r['schedule']}")
    key = (r["kernel"], r["segments"], r["schedule"])
    groups.setdefault(key, []).append(r)
med = lambda rs, f: statistics.median(f(r) for r in rs)
lines = [f"# mpiscale chunk-size benchmark, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, "
         f"{np} ranks on {cores} cores, medians of {repeat} runs",
         "kernel\tsegments\tschedule\twall_s\twall_vs_block\timbalance\tclaims\tclaims_s"]
for (k, seg, s) in sorted(groups, key=lambda x: (x[0], x[1], x[2] != "block", x[2])):
    rs, base = groups[(k, seg, s)], groups[(k, seg, "block")]
    w, bw = med(rs, lambda r: r["wall_s"]), med(base, lambda r: r["wall_s"])
    lines.append(f"{k}\t{seg}\t{s}\t{w:.4f}\t{w / bw:.3f}\t{med(rs, lambda r: r['imbalance']):.4f}\t"
                 f"{int(med(rs, lambda r: r['balance']['claims']))}\t{med(rs, lambda r: r['balance']['claims_s']):.6f}")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "written: $out"
