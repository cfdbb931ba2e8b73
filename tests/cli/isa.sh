#!/usr/bin/env bash
# isa.sh BIN — the kernels' vector paths from the command line: every path this machine has gives
# the same result and digest at 1 and 2 ranks, for do_math (exact integer lanes) and pi (the same
# IEEE operations per lane); the report and the JSON say which path ran; --isa with an unknown
# name or a path the CPU lacks is refused with exit 2; --calibrate measures the node's limit for
# the kernel's instruction (sqrt, division) and holds the kernel against it. Memory: a reduction
# kernel's peak RSS does not grow with the range (do_math and random_fill over ranges 100 and more
# times apart). No timing.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=120

paths="scalar"
grep -qw avx2 /proc/cpuinfo && paths="$paths avx2"
grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo && paths="$paths avx512"
best=${paths##* }
echo "# paths on this machine: $paths"

# -- every path, the same digest ------------------------------------------------------------------
ref=""
for np in 1 2; do
  for isa in $paths auto; do
    run "d_${isa}_$np" "$np" -k do_math -r -5000:30000017 --isa "$isa" --json "$tmp/paths.jsonl"
    [ "$(rc "d_${isa}_$np")" = 0 ] && has "d_${isa}_$np" "Verification: PASS" || {
      notok "--isa $isa at $np ranks: exit $(rc "d_${isa}_$np")"; cat "$tmp/d_${isa}_$np.err"; continue; }
    d=$(sed -n 's/^Digest: //p' "$tmp/d_${isa}_$np.out")
    [ -n "$ref" ] || ref=$d
    want=$isa; [ "$isa" = auto ] && want=$best
    check "--isa $isa at $np ranks: PASS, digest $d, the report says it ran $want" \
      test "$d" = "$ref" -a -n "$(grep "^  kernel path: $want (" "$tmp/d_${isa}_$np.out")"
  done
done
check "the JSON records the path per node and what was asked" jsonl "$tmp/paths.jsonl" \
  "all(r['hosts'][0]['isa'] == (r['isa_requested'] if r['isa_requested'] != 'auto' else '$best') for r in rs) and len(rs) == 2 * len('$paths auto'.split())"
pref=""
for np in 1 2; do
  for isa in $paths; do
    run "pi_${isa}_$np" "$np" -k pi -r -1000:20000003 --isa "$isa"
    d=$(sed -n 's/^Digest: //p' "$tmp/pi_${isa}_$np.out")
    [ -n "$pref" ] || pref=$d
    check "pi --isa $isa at $np ranks: PASS, digest $d, the report names vdivpd or divsd" \
      test "$(rc "pi_${isa}_$np")" = 0 -a "$d" = "$pref" -a -n "$(grep -E "^  kernel path: $isa \((divsd|vdivpd [yz]mm)\)" "$tmp/pi_${isa}_$np.out")"
  done
done
check "auto says the path was chosen at run time" grep -q "the widest this node has, chosen at run time" "$tmp/d_auto_1.out"

# -- refusals ------------------------------------------------------------------------------------
run bad 2 -k do_math -r 0:1000 --isa sse9
check "--isa sse9: exit 2 and says what is accepted" \
  test "$(rc bad)" = 2 -a -n "$(grep -F -- "--isa: 'sse9': must be auto, avx512, avx2 or scalar" "$tmp/bad.err")"
if [ "$best" != avx512 ]; then
  run lacks 2 -k do_math -r 0:1000 --isa avx512
  check "--isa avx512 on a CPU without it: exit 2, names the widest path the ranks have" \
    test "$(rc lacks)" = 2 -a -n "$(grep -F "not every node has it (the widest path all ranks have is $best)" "$tmp/lacks.err")"
fi
run other 1 -k primes -r 0:1M --isa scalar
check "a kernel without vector paths takes --isa and prints no kernel path" \
  test "$(rc other)" = 0 -a -z "$(grep "kernel path" "$tmp/other.out")"

# -- --calibrate: the node's limit and the kernel against it --------------------------------------
run cal 2 -k do_math -r 0:200M --calibrate --repeat 2
re_limit="^  node limit    (sqrtsd|vsqrtpd ymm|vsqrtpd zmm) \\($best\\): [0-9.]+ ns per double \\(median of 2 ranks"
re_kernel="^  kernel        [0-9.]+ ns per element on a rank: at [0-9.]+x of this node's limit \\([0-9.]+x its time\\)"
check "--calibrate: exit 0 and the node's sqrt limit for the path that ran" \
  test "$(rc cal)" = 0 -a -n "$(grep -E "$re_limit" "$tmp/cal.out")"
check "--calibrate: the kernel's time per element against that limit" grep -Eq "$re_kernel" "$tmp/cal.out"
run cal_pi 2 -k pi -r 0:100M --calibrate
check "--calibrate of pi: the node's division limit and the kernel against it" \
  test "$(rc cal_pi)" = 0 -a -n "$(grep -E "^  node limit    (divsd|vdivpd [yz]mm) \($best\): [0-9.]+ ns per double" "$tmp/cal_pi.out")" \
  -a -n "$(grep -E "$re_kernel" "$tmp/cal_pi.out")"
run cal_primes 1 -k primes -r 0:1M --calibrate --repeat 1
check "--calibrate of a kernel bound by no one instruction measures no limit" \
  test "$(rc cal_primes)" = 0 -a -z "$(grep "node limit" "$tmp/cal_primes.out")"

# -- memory: O(1) per rank whatever the range ------------------------------------------------------
rss() { python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readlines()[-1]); print(r["peak_rss_kib"]["max"])' "$1"; }
for k in "do_math 0:1M 0:2G" "random_fill 0:100K 0:40M"; do
  set -- $k
  run "m_small_$1" 2 -k "$1" -r "$2" --json "$tmp/m_small_$1.jsonl"
  run "m_big_$1" 2 -k "$1" -r "$3" --json "$tmp/m_big_$1.jsonl"
  small=$(rss "$tmp/m_small_$1.jsonl") big=$(rss "$tmp/m_big_$1.jsonl")
  check "$1: peak RSS per rank $small KiB over $2, $big KiB over $3 (within 2 MiB: no per-element memory)" \
    test -n "$small" -a -n "$big" -a $((big - small)) -lt 2048
  check "$1: the report states the peak resident set per rank" grep -Eq "^  memory: peak resident set per rank [0-9.]+( to [0-9.]+)? MiB" "$tmp/m_big_$1.out"
done

cli_finish
