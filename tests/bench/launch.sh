#!/usr/bin/env bash
# launch.sh — what mpiscale costs beyond MPI itself: end-to-end wall time (mpirun included) of
# mpiscale on a tiny range against a program that only calls MPI_Init and MPI_Finalize
# (msc_bench_mpi_floor), both with `--mca pml ob1`, and the floor again with Open MPI's default
# transports, which shows what probing for fabrics the machine lacks costs. Rounds are
# interleaved, so drifts in machine load hit every variant alike; the results are medians, and the
# overhead is the median of the per-round differences. Not a test: nothing here asserts on time.
#   tests/bench/launch.sh [--quick] [--rounds R] [--ranks P] [--out FILE] [BUILD_DIR]
# BUILD_DIR holds mpiscale and tests/bench/msc_bench_mpi_floor (default: build). --quick: 3 rounds
# (the smoke run in ctest, which checks that every variant ran and mpiscale verified). Default
# output: tests/bench/results/launch.tsv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=21 ranks=2 out="$here/results/launch.tsv" build="$root/build"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) rounds=3; shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "launch.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1; shift ;;
  esac
done
msc=$build/mpiscale floor=$build/tests/bench/msc_bench_mpi_floor
for b in "$msc" "$floor"; do
  [ -x "$b" ] || { echo "launch.sh: no $b (build the targets mpiscale and msc_bench_mpi_floor)" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs one launch under a time limit; prints its wall time in seconds. Its output goes to a file
# that is checked afterwards.
timed() {
  local log=$1; shift
  local a=$EPOCHREALTIME rc=0
  timeout -k 5 120 mpirun -q --oversubscribe --mca orte_tmpdir_base "$tmp" -np "$ranks" "$@" \
    >"$log" 2>&1 </dev/null || rc=$?
  local b=$EPOCHREALTIME
  [ "$rc" -eq 0 ] || { echo "launch.sh: exit $rc from: $*" >&2; cat "$log" >&2; exit 1; }
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.6f\n", b - a }'
}

ob1=(--mca pml ob1 --mca btl self,vader,tcp)
variants=(floor_ob1 mpiscale_ob1 mpiscale_json_ob1 floor_default)
printf 'round\t%s\n' "$(IFS=$'\t'; echo "${variants[*]}")" >"$tmp/times.tsv"
for r in $(seq "$rounds"); do
  t1=$(timed "$tmp/floor.log" "${ob1[@]}" "$floor")
  t2=$(timed "$tmp/msc.log" "${ob1[@]}" "$msc" --kernel do_math --range 0:1000)
  grep -q '^Verification: PASS' "$tmp/msc.log" || { echo "launch.sh: mpiscale did not verify" >&2; cat "$tmp/msc.log" >&2; exit 1; }
  t3=$(timed "$tmp/msc_json.log" "${ob1[@]}" "$msc" --kernel do_math --range 0:1000 --json "$tmp/run.jsonl")
  t4=$(timed "$tmp/floor_default.log" "$floor")
  printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$t1" "$t2" "$t3" "$t4" >>"$tmp/times.tsv"
  echo "  round $r of $rounds: floor $t1 s, mpiscale $t2 s, with --json $t3 s, floor (default transports) $t4 s" >&2
done
[ "$(wc -l <"$tmp/run.jsonl")" -eq "$rounds" ] || { echo "launch.sh: --json wrote no record per run" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
python3 - "$tmp/times.tsv" "$out" "$ranks" "$(nproc)" <<'PY'
import statistics, sys, datetime, subprocess
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head, data = rows[0][1:], [[float(x) for x in r[1:]] for r in rows[1:]]
out, ranks, cores = sys.argv[2], sys.argv[3], sys.argv[4]
col = {name: [r[i] for r in data] for i, name in enumerate(head)}
med = {k: statistics.median(v) for k, v in col.items()}
def paired(a, b):
    return statistics.median(x - y for x, y in zip(col[a], col[b]))
mpi = subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
lines = [f"# mpiscale launch overhead, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {cores} cores, "
         f"{ranks} ranks, {mpi}; medians of {len(data)} interleaved rounds, end to end (mpirun included)",
         "variant\tmedian_s\tmin_s\tmax_s"]
for k in head:
    lines.append(f"{k}\t{med[k]:.4f}\t{min(col[k]):.4f}\t{max(col[k]):.4f}")
lines.append(f"# mpiscale (do_math 0:1000) beyond the MPI_Init/Finalize floor, median of per-round differences: "
             f"{1e3 * paired('mpiscale_ob1', 'floor_ob1'):+.1f} ms; with --json: "
             f"{1e3 * paired('mpiscale_json_ob1', 'floor_ob1'):+.1f} ms")
lines.append(f"# Open MPI's default transports over pml ob1, for the floor: "
             f"{1e3 * paired('floor_default', 'floor_ob1'):+.1f} ms per launch")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
