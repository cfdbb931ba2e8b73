#!/usr/bin/env bash
# bad_input.sh BIN — command-line tests of how mpiscale refuses input: every bad option value, range,
# kernel parameter or kernel limit exits 2 with exactly one "mpiscale: --option: ..." line on stderr
# from rank 0, prints no report and creates no --json/--csv file; an output that cannot be written
# (missing directory, a directory, a failing write) exits 3 with one "mpiscale: --json: ..." line;
# --help, --list-kernels and --version exit 0 and print once. Runs at 2 ranks through $MSC_MPI_RUN.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
NP=2
LIMIT=30 # seconds per launch; every case here should be refused before any work
KERNELS="do_math sum_squares random_fill pi primes sleep amdahl heavy_tail empty"


# Every launch runs in the background, at most $JOBS at a time: mpirun takes a second or two to
# wind down a job whose ranks exit non-zero, and that wait is idle time. Each launch ID keeps its
# stdout in $tmp/ID/out, its raw stderr in $tmp/ID/err.raw and its exit code in $tmp/ID/rc; the
# checks run afterwards, in order.
JOBS=6
launch() { # launch ID NP ARGS...
  local id=$1 np=$2; shift 2
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  mkdir -p "$tmp/$id"
  ( "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@" >"$tmp/$id/out" 2>"$tmp/$id/err.raw"
    echo $? >"$tmp/$id/rc" ) &
}
# collect ID — after `wait`: sets rc, and copies ID's stdout to $tmp/out and mpiscale's own stderr
# lines (mpirun's exit notices removed) to $tmp/err.
collect() {
  rc=$(cat "$tmp/$1/rc" 2>/dev/null || echo "none")
  cp "$tmp/$1/out" "$tmp/out"
  strip_mpirun "$tmp/$1/err.raw" >"$tmp/err"
}

show_stderr() { sed 's/^/#   stderr: /' "$tmp/err" | head -n 5; }

n_case=0
declare -a c_want c_opt c_value c_label
# bad WANT_RC OPTION VALUE ARGS... — launches ARGS at NP ranks with --json/--csv into fresh paths
# put first (at NP_CASE ranks when that is set); check_bad later checks: exit WANT_RC, exactly one stderr line starting "mpiscale: "
# that names OPTION (and VALUE when not empty), no report on stdout, neither output file created.
bad() {
  local want=$1 opt=$2 value=$3; shift 3
  n_case=$((n_case + 1))
  c_want[n_case]=$want c_opt[n_case]=$opt c_value[n_case]=$value
  local words
  words=$(printf ' %q' "$@") # shows an empty argument as ''
  c_label[n_case]="mpiscale$words${NP_CASE:+ (np=$NP_CASE)}"
  launch "case$n_case" "${NP_CASE:-$NP}" --json "$tmp/case$n_case/out.jsonl" --csv "$tmp/case$n_case/out.csv" "$@"
}
check_bad() { # check_bad N
  local i=$1 want=${c_want[$1]} opt=${c_opt[$1]} value=${c_value[$1]} label=${c_label[$1]}
  collect "case$i"
  check "$label: exits $want (got $rc)" test "$rc" = "$want"
  local nlines first
  nlines=$(wc -l <"$tmp/err")
  first=$(head -n 1 "$tmp/err")
  if [ "$nlines" -eq 1 ] && [[ $first == "mpiscale: "* ]]; then
    ok "$label: one stderr line starting 'mpiscale: '"
  else
    notok "$label: one stderr line starting 'mpiscale: ' (got $nlines lines)"
    show_stderr
  fi
  local names="$opt"
  [ -n "$value" ] && names="$opt and '$value'"
  if grep -qF -- "$opt" "$tmp/err" && { [ -z "$value" ] || grep -qF -- "$value" "$tmp/err"; }; then
    ok "$label: stderr names $names"
  else
    notok "$label: stderr names $names"
    show_stderr
  fi
  if grep -qE '^(Result|Digest|Verification):' "$tmp/out"; then
    notok "$label: no report on stdout"
  else
    ok "$label: no report on stdout"
  fi
  if [ -e "$tmp/case$i/out.jsonl" ] || [ -e "$tmp/case$i/out.csv" ]; then
    notok "$label: --json/--csv files not created"
  else
    ok "$label: --json/--csv files not created"
  fi
}

# --- ranges -------------------------------------------------------------------------------------
bad 2 --range "12:5" --range 12:5 # case 1: its exact message is checked below
bad 2 --range "5:5" --range 5:5
bad 2 --range "abc" --range abc
bad 2 --range "10x" --range 10x
bad 2 --range "1:" --range 1:
bad 2 --range ":7" --range :7
bad 2 --range "" --range ""
bad 2 --range "2.5:9" --range 2.5:9
bad 2 --range "-9223372036854775808:9223372036854775807" \
  --range -9223372036854775808:9223372036854775807
bad 2 --range "99999999999999999999" --range 99999999999999999999
bad 2 --range "-99999999999999999999:0" --range -99999999999999999999:0
bad 2 --range "10000P" --range 10000P # 10^19 > INT64_MAX

# other spellings of the option, and other rank counts
bad 2 --range "12:5" --range=12:5
bad 2 -r "12:5" -r 12:5
NP_CASE=1 bad 2 --range "12:5" --range 12:5
NP_CASE=4 bad 2 --range "12:5" --range 12:5
NP_CASE=4 bad 2 --frobnicate "" --frobnicate
NP_CASE=3 bad 2 --param "abc" --kernel random_fill --param seed=abc

# --- segments, kernel, schedule, params ---------------------------------------------------------
bad 2 --segments "0" --range 100 --segments 0
bad 2 --segments "-3" --range 100 --segments -3
bad 2 --segments "x" --range 100 --segments x
bad 2 --segments "99999999999" --range 100 --segments 99999999999
bad 2 --kernel "nosuch" --kernel nosuch
bad 2 --param "nosuch" --range 100 --param nosuch=1
bad 2 --param "abc" --kernel random_fill --range 100 --param seed=abc
bad 2 --param "noequals" --kernel random_fill --range 100 --param noequals
bad 2 --param "-1" --kernel sleep --range 10 --param usec=-1
bad 2 --param "1.5" --kernel amdahl --range 100 --param serial=1.5
bad 2 --param "-0.1" --kernel amdahl --range 100 --param serial=-0.1
bad 2 --schedule "nosuch" --range 100 --schedule nosuch
# a parameter of another kernel is not accepted
bad 2 --param "seed" --kernel sleep --range 10 --param seed=3

# --- option syntax ------------------------------------------------------------------------------
bad 2 --frobnicate "" --range 100 --frobnicate
bad 2 --range "" --range          # missing argument: --range is the last word
bad 2 stray "" --range 100 stray  # a stray positional argument
bad 2 -z "" --range 100 --quiet -zq # the bad letter is named, not the long option before it
bad 2 --quiet "takes no value" --range 100 --quiet=1
# --json and --csv naming one file, under two spellings: the lines would mix in it.
bad 2 --csv "same file as --json" --range 100 --json "$tmp/same.out" --csv "$tmp/./same.out"

# --- kernel limits, checked before any work -----------------------------------------------------
# sum_squares: sum of i^2 over [0, 9e18) is about 2.4e56, far beyond 2^128.
bad 2 --range "0:9e18" --kernel sum_squares --range 0:9e18
# ... and just past the edge: over [2^62-17, 2^62) the sum exceeds 2^128 - 1 (over [2^62-16, 2^62)
# it fits; kernels_exact.sh runs that one).
bad 2 --range "4611686018427387887:4611686018427387904" \
  --kernel sum_squares --range 4611686018427387887:4611686018427387904
# do_math: element i is x = (i+1) - 1000000, refused when |x| > 2^53 = 9007199254740992. Here the
# last element has x = 2^53 + 1 (kernels_exact.sh runs the range ending one earlier).
bad 2 --range "9007199255740988:9007199255740993" \
  --kernel do_math --range 9007199255740988:9007199255740993
# ... and on the negative side the first element has x = -2^53 - 1.
bad 2 --range "-9007199253740994:-9007199253740990" \
  --kernel do_math --range -9007199253740994:-9007199253740990
bad 2 --range "9007199300000000:9007199300001000" --range 9007199300000000:9007199300001000
bad 2 --range "-9007199300000000:-9007199299999000" --range -9007199300000000:-9007199299999000
bad 2 --range "9007199300000000:9007199300001000" \
  --kernel amdahl --range 9007199300000000:9007199300001000
# primes: END is limited to 2^42 = 4398046511104.
bad 2 --range "4398046511104:4398046511105" --kernel primes --range 4398046511104:4398046511105
bad 2 --range "0:1e18" --kernel primes --range 0:1e18
# pi: at most 2^53 intervals, so that every midpoint index is exact in a double.
bad 2 --range "0:9007199254740993" --kernel pi --range 0:9007199254740993

# --- output files that cannot be written: exit 3, checked before the run ------------------------
mkdir "$tmp/adir"
launch io_json "$NP" --range 1000 --json /nonexistent-dir/x.jsonl
launch io_csv "$NP" --range 1000 --csv /nonexistent-dir/x.csv
launch io_dir "$NP" --range 1000 --json "$tmp/adir" # a directory, not a file
launch io_slash "$NP" --range 1000 --json "$tmp/notyet/" # a directory name, refused before the run
# A good --json with a bad --csv: neither file may appear (outputs are all or nothing).
launch io_mixed "$NP" --range 1000 --json "$tmp/good.jsonl" --csv /nonexistent-dir/x.csv
# A write that fails after the run (/dev/full: ENOSPC) is an I/O error too, reported the same way;
# the report on stdout may already be out.
if [ -c /dev/full ]; then
  launch io_full_json "$NP" --range 1000 --json /dev/full
  launch io_full_csv "$NP" --range 1000 --csv /dev/full
fi

# --- help, list, version: launched at 1 and NP ranks ---------------------------------------------
for name in help:--help help_short:-h list:--list-kernels list_short:-l version:--version \
            version_short:-V; do
  launch "info1.${name%%:*}" 1 "${name#*:}"
  launch "info.${name%%:*}" "$NP" "${name#*:}"
done

wait

# --- checks, in launch order ----------------------------------------------------------------------
for ((i = 1; i <= n_case; i++)); do
  check_bad "$i"
  if [ "$i" -eq 1 ]; then # the exact wording is part of the contract (DESIGN.md, cli.h)
    check "mpiscale --range 12:5: the exact message" \
      test "$(cat "$tmp/err")" = "mpiscale: --range: '12:5': end must be greater than start"
  fi
done

io_bad() { # io_bad ID OPTION PATH — exit 3 and one stderr line naming OPTION
  local id=$1 opt=$2 path=$3
  local label="mpiscale $opt $path"
  collect "$id"
  check "$label: exits 3 (got $rc)" test "$rc" = 3
  if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^mpiscale: ' "$tmp/err" &&
     grep -qF -- "$opt" "$tmp/err"; then
    ok "$label: one stderr line 'mpiscale: ' naming $opt"
  else
    notok "$label: one stderr line 'mpiscale: ' naming $opt"
    show_stderr
  fi
  if grep -qE '^(Result|Digest|Verification):' "$tmp/out"; then
    notok "$label: no report on stdout"
  else
    ok "$label: no report on stdout"
  fi
}
io_bad io_json --json /nonexistent-dir/x.jsonl
io_bad io_csv --csv /nonexistent-dir/x.csv
io_bad io_dir --json "$tmp/adir"
check "--json into a directory left it empty" test -z "$(ls -A "$tmp/adir")"
io_bad io_slash --json "$tmp/notyet/"
check "--json DIR/: nothing created" test ! -e "$tmp/notyet"
io_bad io_mixed --csv /nonexistent-dir/x.csv
check "--json OK + --csv bad: no JSON file written" test ! -e "$tmp/good.jsonl"
if [ -c /dev/full ]; then
  for opt in --json --csv; do
    collect "io_full_${opt#--}"
    label="mpiscale $opt /dev/full (write fails: no space left)"
    check "$label: exits 3 (got $rc)" test "$rc" = 3
    if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^mpiscale: $opt: " "$tmp/err"; then
      ok "$label: one stderr line 'mpiscale: $opt: ...'"
    else
      notok "$label: one stderr line 'mpiscale: $opt: ...'"
      show_stderr
    fi
  done
fi

info() { # info NAME OPTION — exit 0, stdout once (rank 0 only), nothing on stderr
  local name=$1 opt=$2 rc1
  collect "info1.$name"
  rc1=$rc
  cp "$tmp/out" "$tmp/info1.$name.txt"
  collect "info.$name"
  cp "$tmp/out" "$tmp/info.$name.txt"
  check "mpiscale $opt: exits 0 at 1 and $NP ranks (got $rc1, $rc)" test "$rc1" = 0 -a "$rc" = 0
  check "mpiscale $opt: nothing on stderr" test ! -s "$tmp/err"
  check "mpiscale $opt: prints something" test -s "$tmp/out"
  check "mpiscale $opt: printed by rank 0 only (same at 1 and $NP ranks)" \
    cmp -s "$tmp/info1.$name.txt" "$tmp/info.$name.txt"
}
info help --help
info help_short -h
check "-h prints the same as --help" cmp -s "$tmp/info.help.txt" "$tmp/info.help_short.txt"
for k in $KERNELS; do
  check "--help mentions kernel $k" grep -qw -- "$k" "$tmp/info.help.txt"
done
# The exit codes, after the first mention of "exit" in the help text.
sed -n '/[Ee][Xx][Ii][Tt]/,$p' "$tmp/info.help.txt" >"$tmp/help.exit"
for code in 0 2 3 4 70; do
  check "--help documents exit code $code" grep -qw -- "$code" "$tmp/help.exit"
done
for o in --kernel --range --segments --schedule --slow-rank --param --serial-baseline --json --csv --quiet \
         --list-kernels --help --version; do
  check "--help mentions $o" grep -qF -- "$o" "$tmp/info.help.txt"
done

info list --list-kernels
info list_short -l
check "-l prints the same as --list-kernels" cmp -s "$tmp/info.list.txt" "$tmp/info.list_short.txt"
for k in $KERNELS; do
  check "--list-kernels lists $k at the start of a line" \
    grep -qE "^[[:space:]]*$k([[:space:]]|:|$)" "$tmp/info.list.txt"
done

info version --version
info version_short -V
check "--version prints version 0.1.0" grep -qF "0.1.0" "$tmp/info.version.txt"
check "-V prints the same as --version" cmp -s "$tmp/info.version.txt" "$tmp/info.version_short.txt"

cli_finish
