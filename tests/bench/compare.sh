#!/usr/bin/env bash
# compare.sh — mpiscale against the seeds' Python programs, mpi4py and a hand-written C+MPI loop,
# on the seeds' do_math workload at the same N and rank counts. Every time is end to end: the wall
# time of the whole command (mpirun or interpreter start-up included) from a monotonic clock
# (compare_timed.py), never a program's own report. Each point is the median of R runs,
# interleaved so that drifts in machine load hit every contender alike, and every ratio is taken
# between medians of this one invocation. Usage, from anywhere:
#   tests/bench/compare.sh [--quick] [--runs R] [--out-dir DIR] BUILD_DIR
# BUILD_DIR holds mpiscale and tests/bench/msc_bench_handloop (cmake --build BUILD_DIR). Writes
# DIR/compare.md and DIR/compare.json (default DIR: tests/bench/results). Before any timing, every
# contender runs once at N = 3e6 in its --check form, whose printed total must equal mpiscale's
# Result (verified PASS); any mismatch or failed run stops the script with a non-zero exit.
# --quick (the ctest smoke) runs only those checks (R = 1): correctness, never a time.
# Needs /usr/bin/python3 (Debian's, not a pyenv one on PATH) with mpi4py (python3-mpi4py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=5 runs_given=0 quick=0 out_dir=$here/results bdir=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; shift ;;
    --runs) runs=$2; runs_given=1; shift 2 ;;
    --out-dir) out_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$bdir" ] || { echo "compare.sh: one BUILD_DIR only" >&2; exit 2; }; bdir=$1; shift ;;
  esac
done
die() { echo "compare.sh: $*" >&2; exit 1; }
[ -n "$bdir" ] || { echo "usage: compare.sh [--quick] [--runs R] [--out-dir DIR] BUILD_DIR" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --runs needs a whole number >= 1, not '$runs'" >&2; exit 2; }
[ "$quick" = 0 ] || [ "$runs_given" = 1 ] || runs=1
bin=$bdir/mpiscale
loop=$bdir/tests/bench/msc_bench_handloop
[ -x "$loop" ] || loop=$bdir/msc_bench_handloop
[ -x "$bin" ] || die "no mpiscale in $bdir (build it: cmake --build $bdir)"
[ -x "$loop" ] || die "no msc_bench_handloop in $bdir/tests/bench (build it: cmake --build $bdir --target msc_bench_handloop)"
py=/usr/bin/python3
[ -x "$py" ] || die "$py not found: the Python contenders run with Debian's python3 (apt-get install python3)"
"$py" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("mpi4py.MPI") is None)' 2>/dev/null ||
  die "mpi4py is not importable by $py: apt-get install python3-mpi4py (jobs/local/setup.sh installs it)"
command -v mpirun >/dev/null || die "mpirun not found (apt-get install openmpi-bin)"
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
pyd=$here/python
if [ "$quick" = 1 ]; then limit=120; else limit=900; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
records=$tmp/runs.tsv
: >"$records"
declare -A expected=() # N -> mpiscale's verified Result, what every do_math contender must print

# run_one PHASE NAME N P REP: one timed run of contender NAME. PHASE check runs the --check forms
# and compares their totals; PHASE timed runs the seeds' loops as written. Appends a record.
run_one() {
  local phase=$1 name=$2 n=$3 np=$4 rep=$5 session="" rc=0
  local -a chk=()
  [ "$phase" = check ] && chk=(--check)
  local -a cmd mpi=()
  session=$(mktemp -d "${TMPDIR:-/tmp}/msc-mpirun.XXXXXX")
  # Exactly tests/mpi_run.sh's options, the same for mpiscale, the hand loop and mpi4py: a private
  # session directory, ob1 over self/vader/tcp, stdin not forwarded.
  # shellcheck disable=SC2054 # "self,vader,tcp" is one argument
  mpi=(mpirun -q --oversubscribe --mca orte_tmpdir_base "$session" --mca pml ob1
       --mca btl self,vader,tcp -np "$np")
  case $name in
    mpiscale) cmd=("${mpi[@]}" "$bin" --kernel do_math --range "0:$n") ;;
    handloop) cmd=("${mpi[@]}" "$loop" "$n") ;;
    mpi4py) cmd=("${mpi[@]}" "$py" "$pyd/do_math_mpi4py.py" "$n" "${chk[@]}") ;;
    py_serial) cmd=("$py" "$pyd/do_math_serial.py" "$n" "${chk[@]}") ;;
    py_threads) cmd=("$py" "$pyd/do_math_threads.py" "$n" "$np" "${chk[@]}") ;;
    py_pool) cmd=("$py" "$pyd/do_math_pool.py" "$n" "$np" "${chk[@]}") ;;
    list_serial) cmd=("$py" "$pyd/list_append.py" serial "$n" "$np" "${chk[@]}") ;;
    list_threads) cmd=("$py" "$pyd/list_append.py" threads "$n" "$np" "${chk[@]}") ;;
    list_process) cmd=("$py" "$pyd/list_append.py" process "$n" "$np" "${chk[@]}") ;;
    *) die "internal: unknown contender $name" ;;
  esac
  "$py" "$here/compare_timed.py" "$tmp/secs" timeout -k 10 "$limit" "${cmd[@]}" \
    >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  rm -rf "$session"
  local what="$name N=$n P=$np ($phase run $rep)"
  if [ "$rc" -ne 0 ]; then
    [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "compare.sh: $what: timed out after ${limit} s" >&2
    sed 's/^/  stdout: /' "$tmp/out" | tail -20 >&2
    sed 's/^/  stderr: /' "$tmp/err" | tail -20 >&2
    die "$what exited with status $rc"
  fi
  local secs value
  secs=$(cat "$tmp/secs")
  case $name:$phase in
    mpiscale:*)
      value=$(sed -n 's/^Result: \([0-9][0-9]*\)$/\1/p' "$tmp/out")
      [ -n "$value" ] || die "$what: no 'Result:' line in its output"
      grep -q '^Verification: PASS' "$tmp/out" || die "$what: no 'Verification: PASS': $(grep '^Verification' "$tmp/out" || echo none)"
      if [ -z "${expected[$n]:-}" ]; then
        expected[$n]=$value
      elif [ "${expected[$n]}" != "$value" ]; then
        die "$what: Result $value differs from the ${expected[$n]} of another mpiscale run at N=$n"
      fi ;;
    handloop:*|*:check)
      value=$(sed -n 's/^\(Result\|Total\): \([0-9][0-9]*\)$/\2/p' "$tmp/out")
      [ -n "$value" ] || die "$what: no total in its output: $(head -c 300 "$tmp/out")"
      case $name in
        list_*) [ "$value" = "$n" ] || die "$what: appended $value values, not $n" ;;
        *) [ -n "${expected[$n]:-}" ] || die "internal: $what ran before mpiscale at N=$n"
           [ "$value" = "${expected[$n]}" ] ||
             die "$what: total $value differs from mpiscale's Result ${expected[$n]} (do_math 0:$n)" ;;
      esac ;;
    mpi4py:timed)
      value=$(sed -n 's/^Elements: \([0-9][0-9]*\)$/\1/p' "$tmp/out")
      [ "$value" = "$n" ] || die "$what: the ranks reported ${value:-no} elements, not $n" ;;
    *:timed)
      grep -q '^done: ' "$tmp/out" || die "$what: no 'done:' line in its output"
      value="" ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$name" "$n" "$np" "$rep" "$secs" "$value" >>"$records"
  printf '  %-12s N=%-10s P=%s %s %s: %8.3f s\n' "$name" "$n" "$np" "$phase" "$rep" "$secs" >&2
}

# The jobs, "NAME N P" each, mpiscale first at each N (it sets the expected total).
check_jobs=() timed_jobs=()
for np in 1 2; do check_jobs+=("mpiscale 3000000 $np"); done
for name in handloop mpi4py py_threads py_pool list_threads list_process; do
  for np in 1 2; do
    case $name in list_*) check_jobs+=("$name 1000000 $np") ;; *) check_jobs+=("$name 3000000 $np") ;; esac
  done
done
check_jobs+=("py_serial 3000000 1" "list_serial 1000000 1")
if [ "$quick" = 0 ]; then
  for n in 30000000 300000000 3000000000; do
    for np in 1 2; do
      timed_jobs+=("mpiscale $n $np" "handloop $n $np")
      # mpi4py at 3e9 would take ~7 minutes a run on one rank (the seeds' loop, ~0.14 us/element).
      [ "$n" = 3000000000 ] || timed_jobs+=("mpi4py $n $np")
    done
  done
  timed_jobs+=("py_serial 30000000 1" "py_threads 30000000 1" "py_threads 30000000 2"
               "py_pool 30000000 1" "py_pool 30000000 2" "py_pool 300000000 2"
               "list_serial 10000000 1" "list_threads 10000000 1" "list_threads 10000000 2"
               "list_process 10000000 1" "list_process 10000000 2")
fi

start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
SECONDS=0
check_reps=1
[ "$quick" = 0 ] || check_reps=$runs
echo "compare.sh: correctness: every contender's --check total against mpiscale's Result (N=3e6)" >&2
for rep in $(seq "$check_reps"); do
  # shellcheck disable=SC2086 # each job is "NAME N P", split on purpose
  for job in "${check_jobs[@]}"; do run_one check $job "$rep"; done
done
if [ "$quick" = 0 ]; then
  echo "compare.sh: timing: ${#timed_jobs[@]} points x $runs runs, interleaved" >&2
  for rep in $(seq "$runs"); do
    # shellcheck disable=SC2086
    for job in "${timed_jobs[@]}"; do run_one timed $job "$rep"; done
  done
fi
elapsed=$SECONDS

# What gcc made of the loops: vsqrtpd on zmm (8 doubles) or ymm (4), or scalar vsqrtsd only.
vec_of() {
  local d
  d=$(objdump -d --no-show-raw-insn "$1" 2>/dev/null || true)
  printf 'vsqrtpd zmm %s, ymm %s, xmm %s; scalar vsqrtsd/sqrtsd %s' \
    "$(grep -c 'vsqrtpd.*%zmm' <<<"$d" || true)" "$(grep -c 'vsqrtpd.*%ymm' <<<"$d" || true)" \
    "$(grep -c 'vsqrtpd.*%xmm' <<<"$d" || true)" "$(grep -cE '[^v]sqrtsd|vsqrtsd' <<<"$d" || true)"
}
mkdir -p "$out_dir"
MSC_CMP_LOAD_START=$load_start MSC_CMP_LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg) \
MSC_CMP_START=$start MSC_CMP_SECONDS=$elapsed MSC_CMP_RUNS=$runs MSC_CMP_QUICK=$quick \
MSC_CMP_CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1)" MSC_CMP_CORES="$(nproc)" \
MSC_CMP_GCC="$(gcc --version | head -1)" MSC_CMP_OMPI="$(mpirun --version | head -1)" \
MSC_CMP_PY="$("$py" --version 2>&1)" \
MSC_CMP_MPI4PY="$("$py" -c 'import mpi4py; print(mpi4py.__version__)')" \
MSC_CMP_MPISCALE="$("$bin" --version | head -1)" \
MSC_CMP_VEC_LOOP="$(vec_of "$loop")" MSC_CMP_VEC_MPISCALE="$(vec_of "$bin")" \
MSC_CMP_CMD="tests/bench/compare.sh $( [ "$quick" = 1 ] && printf -- '--quick ' )--runs $runs $bdir" \
  "$py" "$here/compare_report.py" "$records" "$out_dir/compare.md" "$out_dir/compare.json" || {
  cp "$records" "$out_dir/compare-runs.tsv"
  die "compare_report.py failed; the raw runs are kept in $out_dir/compare-runs.tsv"; }
[ -s "$out_dir/compare.md" ] || die "$out_dir/compare.md was not written"
"$py" -m json.tool "$out_dir/compare.json" >/dev/null || die "$out_dir/compare.json does not parse as JSON"
echo "compare.sh: all totals matched mpiscale's Result; ${elapsed} s; written: $out_dir/compare.md, $out_dir/compare.json" >&2
