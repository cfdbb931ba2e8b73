#!/usr/bin/env bash
# calibrate.sh BIN — --calibrate (issue 4, point 5): the runtime's own overhead, as MPI_Init on
# every rank and the same job with the kernel `empty` at each p (job time, scatter, gather,
# combine, share of T1, and in a strong sweep its part of the fitted f). Calibration runs are not
# written to --json/--csv and not counted as measured runs. Also the `empty` kernel itself. No
# check depends on a time. Runs through $MSC_MPI_RUN.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=120

# run, rc and has: tests/cli/lib.sh
count() { wc -l <"$1" | tr -d ' '; }
NUM='[0-9]+\.[0-9]{6}'

# --- a single run --------------------------------------------------------------------------------
run single 2 --range 0:20M --calibrate --json "$tmp/single.jsonl" --csv "$tmp/single.csv"
check "single run --calibrate: exit 0" [ "$(rc single)" = 0 ]
check "single run: the block" has single "Runtime overhead (--calibrate): the same job with kernel empty (no per-element work), 5 runs per p after the measured runs, medians; not in --json/--csv:"
check "single run: MPI_Init over both ranks" \
  grep -qE "^  MPI_Init      min $NUM s, median $NUM s, max $NUM s over 2 ranks " "$tmp/single.out"
check "single run: one row, at P = 2, with a share of T1" \
  grep -qE "^ +2 +$NUM +$NUM +$NUM +$NUM +[0-9.]+%$" "$tmp/single.out"
check "single run: T1's source" has single "(estimated: segment times + serial phases)"
check "single run: no fitted f outside a sweep" bash -c "! grep -q 'fitted f' '$tmp/single.out'"
check "single run: the report comes first, the block after it" \
  bash -c "[ \$(grep -n '^Status: complete' '$tmp/single.out' | cut -d: -f1) -lt \$(grep -n '^Runtime overhead' '$tmp/single.out' | cut -d: -f1) ]"
check "single run: one JSON line (calibration runs are not written)" [ "$(count "$tmp/single.jsonl")" = 1 ]
check "single run: the JSON line is do_math's" \
  python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readline()); sys.exit(0 if r['kernel']=='do_math' else 1)" "$tmp/single.jsonl"
check "single run: one CSV row under the header" [ "$(count "$tmp/single.csv")" = 2 ]
check "single run: nothing on stderr" [ ! -s "$tmp/single.err" ]

run quiet 2 --range 0:2M --calibrate -q
check "--quiet --calibrate: the summary line and the block" \
  bash -c "[ \$(grep -c '^do_math P=2 ' '$tmp/quiet.out') -eq 1 ] && grep -q '^Runtime overhead' '$tmp/quiet.out'"

# --- a strong sweep -------------------------------------------------------------------------------
run sweep 2 --kernel amdahl --param serial=0.2 --range 0:20M --sweep 1,2 --repeat 2 --calibrate --json "$tmp/sweep.jsonl"
check "sweep --calibrate: exit 0" [ "$(rc sweep)" = 0 ]
check "sweep: the block after the fits, --repeat 2 runs per p" \
  bash -c "grep -q '2 runs per p after the measured runs' '$tmp/sweep.out' && [ \$(grep -n '^Amdahl' '$tmp/sweep.out' | cut -d: -f1) -lt \$(grep -n '^Runtime overhead' '$tmp/sweep.out' | cut -d: -f1) ]"
check "sweep: a row at p = 1 and one at p = 2" \
  bash -c "[ \$(sed -n '/^Runtime overhead/,\$p' '$tmp/sweep.out' | grep -cE '^ +[12] +$NUM +$NUM +$NUM +$NUM +[0-9.]+%$') -eq 2 ]"
check "sweep: T1 measured at p = 1" has sweep "(measured: the median job time at p = 1)"
check "sweep: the runtime's part of the fitted f (or why not)" \
  grep -qE "^  (the runtime alone accounts for about [0-9.]+ of the fitted f = [0-9.]+ \([0-9]+%\) at the same p|the runtime alone accounts for about all of the fitted f|no fitted f to compare with|the runtime's own serial fraction: not fitted)" "$tmp/sweep.out"
check "sweep: only the 4 measured runs in the JSON lines" [ "$(count "$tmp/sweep.jsonl")" = 4 ]
check "sweep: no empty-kernel run in the JSON lines" \
  python3 -c "import json,sys; sys.exit(0 if all(json.loads(l)['kernel']=='amdahl' for l in open(sys.argv[1])) else 1)" "$tmp/sweep.jsonl"
check "sweep: the table counts only the measured runs" \
  bash -c "[ \$(grep -cE '^ +[12] +1 +2 ' '$tmp/sweep.out') -eq 2 ]"
check "sweep: no empty-kernel line among the per-run lines" bash -c "! grep -q '^empty P=' '$tmp/sweep.out'"

run weak 3 --range 0:2M --sweep all --weak --calibrate --repeat 3 -q
check "weak sweep at 3 ranks --calibrate: exit 0" [ "$(rc weak)" = 0 ]
check "weak sweep: rows at p = 1, 2, 3 and MPI_Init over 3 ranks" \
  bash -c "[ \$(sed -n '/^Runtime overhead/,\$p' '$tmp/weak.out' | grep -cE '^ +[123] +$NUM ') -eq 3 ] && grep -q 'over 3 ranks' '$tmp/weak.out'"
check "weak sweep: no Amdahl comparison" bash -c "! grep -q 'fitted f' '$tmp/weak.out'"

# --- the empty kernel ------------------------------------------------------------------------------
run list 1 --list-kernels
check "--list-kernels lists empty" grep -qE '^empty +range 0:1G +params: none ' "$tmp/list.out"
run empty 2 --kernel empty --range 0:1T --segments 1000 -q
check "--kernel empty over 10^12 elements: exit 0 at once, the count verified" \
  grep -qE '^empty P=2 result=1000000000000 .*verification=PASS' "$tmp/empty.out"

cli_finish
