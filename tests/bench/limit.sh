#!/usr/bin/env bash
# limit.sh — how close do_math and pi run to this node's limit on each vector path: R runs of
#   mpiscale --kernel K --range 0:N --isa PATH --calibrate
# at 1 and 2 ranks for every path the CPU has, interleaved. Each run times the kernel per element
# (its segments' compute times over their elements) and then, on every rank at once, the
# throughput of the path's instruction for the kernel (sqrt for do_math, division for pi) on
# independent operands (isa.h); the row gives the medians of both and the median of the per-run
# ratios kernel time / limit time (1.00 is the limit). Also checks that every path and rank count
# gave one digest per kernel. Not a test: nothing asserts on time.
#   tests/bench/limit.sh [--quick] [--runs R] [--range N] [--kernels "do_math pi"] [--out FILE] [BUILD_DIR]
# Default: 7 runs, N = 1G (2.5 s a run on the scalar path), BUILD_DIR build, output
# tests/bench/results/limit.tsv (about two minutes on 2 cores). --quick: 1 run of 20M (the smoke run
# in ctest, which checks the lines and the digests, never a time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=7 n=1000000000 kernels="do_math pi" out="$here/results/limit.tsv" build="$root/build"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) runs=1; n=20000000; shift ;;
    --runs) runs=$2; shift 2 ;;
    --range) n=$2; shift 2 ;;
    --kernels) kernels=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "limit.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1; shift ;;
  esac
done
bin=$build/mpiscale
[ -x "$bin" ] || { echo "limit.sh: no $bin (build first, or pass the build directory)" >&2; exit 2; }
paths="scalar"
grep -qw avx2 /proc/cpuinfo && paths="$paths avx2"
grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo && paths="$paths avx512"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/runs.tsv"
for rep in $(seq "$runs"); do
  for kernel in $kernels; do
  for np in 1 2; do
    for isa in $paths; do
      range=$n
      bash "$root/tests/mpi_run.sh" "$np" 600 "$bin" --kernel "$kernel" --range "0:$range" --isa "$isa" \
        --calibrate >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; exit 1; }
      grep -q '^Verification: PASS' "$tmp/out" || { echo "limit.sh: $kernel $isa P=$np did not verify" >&2; exit 1; }
      ns=$(sed -n 's/^  kernel  *\([0-9.]*\) ns per element on a rank.*/\1/p' "$tmp/out")
      limit=$(sed -n 's/^  node limit  *[^:]*: \([0-9.]*\) ns per double.*/\1/p' "$tmp/out")
      add=$(sed -n 's/.*a dependent double add takes \([0-9.]*\) ns.*/\1/p' "$tmp/out")
      digest=$(sed -n 's/^Digest: //p' "$tmp/out")
      [ -n "$ns" ] && [ -n "$limit" ] || { echo "limit.sh: no kernel or limit line" >&2; cat "$tmp/out" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kernel" "$isa" "$np" "$range" "$ns" "$limit" "$add" "$digest" >>"$tmp/runs.tsv"
      echo "  run $rep $kernel P=$np $isa: $ns ns per element, limit $limit ns" >&2
    done
  done
  done
done
mkdir -p "$(dirname "$out")"
python3 - "$tmp/runs.tsv" "$out" "$runs" <<'PY'
import statistics, sys, datetime, subprocess
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
out, runs = sys.argv[2], int(sys.argv[3])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"# do_math and pi against this node's limit, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {cpu}, "
         f"medians of {runs} runs; ratio = kernel ns per element / limit ns per double (1.00 is the limit; "
         f"the limit is sqrt's throughput for do_math, division's for pi)",
         "kernel\tpath\tranks\trange\tkernel_ns\tlimit_ns\tratio\tadd_latency_ns\tdigest"]
groups = {}
for kern, isa, np, rng, k, lim, add, dig in rows:
    groups.setdefault((kern, isa, int(np)), []).append((int(rng), float(k), float(lim), float(add), dig))
order = {"scalar": 0, "avx2": 1, "avx512": 2}
for (kern, isa, np) in sorted(groups, key=lambda g: (g[0], g[2], order[g[1]])):
    g = groups[(kern, isa, np)]
    med = lambda i: statistics.median(x[i] for x in g)
    ratio = statistics.median(x[1] / x[2] for x in g)
    lines.append(f"{kern}\t{isa}\t{np}\t0:{g[0][0]}\t{med(1):.3f}\t{med(2):.3f}\t{ratio:.3f}\t{med(3):.3f}\t{g[0][4]}")
digests = {}
for kern, isa, np, rng, k, lim, add, dig in rows:
    digests.setdefault((kern, rng), set()).add(dig)
if any(len(d) != 1 for d in digests.values()):
    sys.exit(f"limit.sh: digests differ between paths or rank counts: {digests}")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
