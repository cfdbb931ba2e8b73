#!/usr/bin/env bash
# bad_input.sh BIN — command-line tests of how mpiscale refuses input: every bad option value, range,
# kernel parameter, kernel limit, repeated option or checkpoint that does not fit the run exits 2
# with exactly one "mpiscale: --option: ..." line on stderr from rank 0, prints nothing on stdout
# and creates or changes no file (the status file of --status / --checkpoint excepted: it says
# "invalid-input"); an output that cannot be written (missing directory, a directory, a regular
# file used as a directory, a failing write) exits 3 with one "mpiscale: --option: ..." line; a
# damaged checkpoint journal is not an error (its bad records are dropped and computed again);
# --help, --list-kernels and --version exit 0 and print once. Runs at 2 ranks through $MSC_MPI_RUN.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
NP=2
LIMIT=30 # seconds per launch; every refused case here should be refused before any work
KERNELS="do_math sum_squares random_fill pi primes sleep amdahl heavy_tail empty"

# Every launch runs in the background, at most $JOBS at a time: mpirun takes a second or two to
# wind down a job whose ranks exit non-zero, and that wait is idle time. Each launch ID keeps its
# stdout in $tmp/ID/out, its raw stderr in $tmp/ID/err.raw and its exit code in $tmp/ID/rc; the
# checks run afterwards, in order.
JOBS=6
background() { # background FUNCTION ARGS... — runs it in the background, at most $JOBS at a time
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  "$@" &
}
run_one() { # run_one ID NP ARGS... — one launch, in the foreground (the steps of a sequence)
  local id=$1 np=$2; shift 2
  mkdir -p "$tmp/$id"
  "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@" >"$tmp/$id/out" 2>"$tmp/$id/err.raw"
  echo $? >"$tmp/$id/rc"
}
launch() { background run_one "$@"; } # launch ID NP ARGS...
# collect ID — after `wait`: sets rc, and copies ID's stdout to $tmp/out and mpiscale's own stderr
# lines (mpirun's exit notices removed) to $tmp/err.
collect() {
  rc=$(cat "$tmp/$1/rc" 2>/dev/null || echo "none")
  cp "$tmp/$1/out" "$tmp/out" 2>/dev/null || : >"$tmp/out"
  if [ -e "$tmp/$1/err.raw" ]; then strip_mpirun "$tmp/$1/err.raw" >"$tmp/err"; else : >"$tmp/err"; fi
}

show_stderr() { sed 's/^/#   stderr: /' "$tmp/err" | head -n 5; }
one_line() { # one_line — $tmp/err is exactly one line starting "mpiscale: "
  [ "$(wc -l <"$tmp/err")" -eq 1 ] && [[ $(head -n 1 "$tmp/err") == "mpiscale: "* ]]
}
line_of() { # line_of OPTION — $tmp/err is exactly one line starting "mpiscale: OPTION: "
  one_line && grep -qF -- "mpiscale: $1: " "$tmp/err"
}
digest_of() { # digest_of FILE — the digest= field of a --quiet line in FILE
  sed -n 's/.* digest=\([0-9a-f]*\) .*/\1/p' "$1" | head -n 1
}
# snapshot DIR [NAMES] — "checksum  ./name" for every file under DIR but those named in NAMES
# (space-separated, relative to DIR): what a refused run must leave exactly as it was.
snapshot() {
  (cd "$1" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
     case " ${2:-} " in *" ${f#./} "*) continue ;; esac
     md5sum "$f"
   done)
}
# status_is FILE STATE CODE — FILE is a JSON object with "state": STATE and "exit_code": CODE
status_is() {
  [ -s "$1" ] || return 1
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d.get("state") == sys.argv[2] and d.get("exit_code") == int(sys.argv[3]) else 1)' "$@"
  else
    grep -qE "\"state\": *\"$2\"" "$1" && grep -qE "\"exit_code\": *$3([^0-9]|$)" "$1"
  fi
}

# --- the refused cases ----------------------------------------------------------------------------
# Each case N gets a directory of its own, $tmp/fN, for the files it names; dir_next sets D to the
# next case's directory (made, and empty unless the caller puts files there before the case).
n_case=0
declare -a c_want c_opt c_value c_label c_exact c_may
dir_next() { D="$tmp/f$((n_case + 1))"; mkdir -p "$D"; }
# bad WANT_RC OPTION VALUE ARGS...     — ARGS with --json D/out.jsonl --csv D/out.csv put first
# bad_own WANT_RC OPTION VALUE ARGS... — ARGS alone: for cases that give --json, --csv (or any
#   option) themselves, since every option but --param and --progress/--no-progress may be given
#   only once
# Launched at NP ranks (NP_CASE when set). check_bad later checks: exit WANT_RC, exactly one stderr
# line starting "mpiscale: " that names OPTION (and VALUE when not empty) — and is exactly EXACT
# when that is set —, nothing on stdout (no report), and every file in D as it was before the
# launch, none created, none changed, except the files named in MAY_WRITE (relative to D; the
# status file that --status or --checkpoint names, which records "invalid-input").
add_case() { # add_case PREPEND WANT_RC OPTION VALUE ARGS...
  local prepend=$1 want=$2 opt=$3 value=$4; shift 4
  dir_next
  n_case=$((n_case + 1))
  c_want[n_case]=$want c_opt[n_case]=$opt c_value[n_case]=$value
  c_exact[n_case]=${EXACT:-} c_may[n_case]=${MAY_WRITE:-}
  local words
  words=$(printf ' %q' "$@") # shows an empty argument as ''
  c_label[n_case]="mpiscale${words//"$tmp"/\$tmp}${NP_CASE:+ (np=$NP_CASE)}"
  snapshot "$D" "${MAY_WRITE:-}" >"$tmp/f$n_case.before"
  if [ "$prepend" = 1 ]; then
    set -- --json "$D/out.jsonl" --csv "$D/out.csv" "$@"
  fi
  launch "case$n_case" "${NP_CASE:-$NP}" "$@"
}
bad() { add_case 1 "$@"; }
bad_own() { add_case 0 "$@"; }
check_bad() { # check_bad N
  local i=$1 want=${c_want[$1]} opt=${c_opt[$1]} value=${c_value[$1]} label=${c_label[$1]}
  local exact=${c_exact[$1]} may=${c_may[$1]}
  collect "case$i"
  check "$label: exits $want (got $rc)" test "$rc" = "$want"
  if one_line; then
    ok "$label: one stderr line starting 'mpiscale: '"
  else
    notok "$label: one stderr line starting 'mpiscale: ' (got $(wc -l <"$tmp/err") lines)"
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
  if [ -n "$exact" ]; then
    if [ "$(cat "$tmp/err")" = "$exact" ]; then
      ok "$label: the exact message"
    else
      notok "$label: the exact message"
      echo "#   expected: $exact"
      show_stderr
    fi
  fi
  if [ -s "$tmp/out" ]; then
    notok "$label: nothing on stdout (no report)"
    sed 's/^/#   stdout: /' "$tmp/out" | head -n 3
  else
    ok "$label: nothing on stdout (no report)"
  fi
  if snapshot "$tmp/f$i" "$may" | cmp -s - "$tmp/f$i.before"; then
    ok "$label: no file created or changed${may:+ (but $may)}"
  else
    notok "$label: no file created or changed${may:+ (but $may)}"
    snapshot "$tmp/f$i" "$may" | diff "$tmp/f$i.before" - | sed 's/^/#   /' | head -n 5
  fi
}

# --- ranges -------------------------------------------------------------------------------------
EXACT="mpiscale: --range: '12:5': end must be greater than start" \
  bad 2 --range "12:5" --range 12:5 # the exact wording is part of the contract (DESIGN.md, cli.h)
bad 2 --range "5:5" --range 5:5 # lo = hi: no elements
bad 2 --range "abc" --range abc
bad 2 --range "10x" --range 10x
bad 2 --range "10abc" --range 10abc
bad 2 --range "1:" --range 1:
bad 2 --range ":7" --range :7
bad 2 --range "" --range ""
bad 2 --range "" --range= # an empty value after '='
bad 2 --range "2.5:9" --range 2.5:9
bad 2 --range "nan" --range nan
bad 2 --range "inf" --range inf
bad 2 --range "0:inf" --range 0:inf
bad 2 --range "0x10" --range 0x10 # no hexadecimal: digits, '_', exact e-forms and K..P only
bad 2 --range "1e400" --range 1e400
bad 2 --range "-9223372036854775808:9223372036854775807" \
  --range -9223372036854775808:9223372036854775807
bad 2 --range "9223372036854775808" --range 9223372036854775808 # 2^63 = INT64_MAX + 1
bad 2 --range "99999999999999999999" --range 99999999999999999999
bad 2 --range "-99999999999999999999:0" --range -99999999999999999999:0
bad 2 --range "10000P" --range 10000P # 10^19 > INT64_MAX
# -0 is the integer 0 (README: signed 64-bit integers), so 0:-0 is the empty range 0:0; that
# --range -0:10 runs as 0:10 is checked with the accepted cases below.
EXACT="mpiscale: --range: '0:-0': end must be greater than start" bad 2 --range "0:-0" --range 0:-0

# other spellings of the option, and other rank counts
bad 2 --range "12:5" --range=12:5
bad 2 -r "12:5" -r 12:5
NP_CASE=1 bad 2 --range "12:5" --range 12:5
NP_CASE=4 bad 2 --range "12:5" --range 12:5
NP_CASE=4 bad 2 --frobnicate "" --frobnicate
NP_CASE=3 bad 2 --param "abc" --kernel random_fill --param seed=abc

# --- segments, kernel, schedule, params ---------------------------------------------------------
bad 2 --segments "0" --range 100 --segments 0
bad 2 --segments "-1" --range 100 --segments -1
bad 2 --segments "-3" --range 100 --segments -3
EXACT="mpiscale: --segments: '-0': must be between 1 and 16777216" \
  bad 2 --segments "-0" --range 100 --segments -0 # -0 is 0
bad 2 --segments "x" --range 100 --segments x
bad 2 --segments "''" --range 100 --segments ""
bad 2 --segments "99999999999" --range 100 --segments 99999999999
bad 2 --segments "9223372036854775808" --range 100 --segments 9223372036854775808
bad 2 --kernel "nosuch" --kernel nosuch
bad 2 --kernel "unknown kernel" --range 100 --kernel ""
bad 2 --param "nosuch" --range 100 --param nosuch=1
bad 2 --param "abc" --kernel random_fill --range 100 --param seed=abc
bad 2 --param "noequals" --kernel random_fill --range 100 --param noequals
bad 2 --param "''" --kernel random_fill --range 100 --param ""
bad 2 --param "-1" --kernel sleep --range 10 --param usec=-1
bad 2 --param "1.5" --kernel amdahl --range 100 --param serial=1.5
bad 2 --param "-0.1" --kernel amdahl --range 100 --param serial=-0.1
bad 2 --schedule "nosuch" --range 100 --schedule nosuch
bad 2 --schedule "''" --range 100 --schedule ""
# a parameter of another kernel is not accepted
bad 2 --param "seed" --kernel sleep --range 10 --param seed=3

# --- option syntax ------------------------------------------------------------------------------
bad 2 --frobnicate "" --range 100 --frobnicate
EXACT="mpiscale: --range: missing value" \
  bad 2 --range "missing value" --range # missing argument: --range is the last word
EXACT="mpiscale: --checkpoint: missing value" \
  bad 2 --checkpoint "missing value" --range 100 --checkpoint
EXACT="mpiscale: --kernel: missing value" bad 2 --kernel "missing value" --range 100 -k
bad 2 stray "" --range 100 stray  # a stray positional argument
bad 2 -z "" --range 100 --quiet -zq # the bad letter is named, not the long option before it
bad 2 --quiet "takes no value" --range 100 --quiet=1

# --- an option given twice: refused, named by its long name whichever spelling was used ----------
EXACT="mpiscale: --range: given more than once" bad 2 --range "given more than once" --range 100 --range 100
EXACT="mpiscale: --range: given more than once" bad 2 --range "given more than once" -r 100 --range=200
EXACT="mpiscale: --kernel: given more than once" bad 2 --kernel "given more than once" --range 100 -k pi --kernel pi
EXACT="mpiscale: --segments: given more than once" \
  bad 2 --segments "given more than once" --range 100 --segments 4 --segments 8
EXACT="mpiscale: --quiet: given more than once" bad 2 --quiet "given more than once" --range 100 -q --quiet
EXACT="mpiscale: --schedule: given more than once" \
  bad 2 --schedule "given more than once" --range 100 --schedule block --schedule cyclic
dir_next
EXACT="mpiscale: --json: given more than once" \
  bad_own 2 --json "given more than once" --range 100 --json "$D/a.jsonl" --json "$D/b.jsonl"
dir_next
EXACT="mpiscale: --csv: given more than once" \
  bad_own 2 --csv "given more than once" --range 100 --csv "$D/a.csv" --csv "$D/a.csv"
# (a refused command line's status goes to the last --status FILE, else the last --checkpoint
# FILE's FILE.status: b.status and b below)
dir_next
EXACT="mpiscale: --checkpoint: given more than once" MAY_WRITE=b.status \
  bad 2 --checkpoint "given more than once" --range 100 --checkpoint "$D/a" --checkpoint "$D/b"
dir_next
EXACT="mpiscale: --status: given more than once" MAY_WRITE=b \
  bad 2 --status "given more than once" --range 100 --status "$D/a" --status "$D/b"
dir_next
EXACT="mpiscale: --report: given more than once" \
  bad 2 --report "given more than once" --range 100 --report "$D/a" --report "$D/b"
EXACT="mpiscale: --time-limit: given more than once" \
  bad 2 --time-limit "given more than once" --range 100 --time-limit 1h --time-limit 2h

# --- output file names ----------------------------------------------------------------------------
EXACT="mpiscale: --json: '': empty file name" bad_own 2 --json "''" --range 100 --json ""
EXACT="mpiscale: --csv: '': empty file name" bad_own 2 --csv "''" --range 100 --csv ""
EXACT="mpiscale: --checkpoint: '': empty file name" bad 2 --checkpoint "''" --range 100 --checkpoint ""
EXACT="mpiscale: --status: '': empty file name" bad 2 --status "''" --range 100 --status ""
EXACT="mpiscale: --report: '': empty file name" bad 2 --report "''" --range 100 --report ""
# Two options naming one file: the same string is refused by the parser, ...
dir_next
EXACT="mpiscale: --csv: '$D/x': same file as --json" \
  bad_own 2 --csv "same file as --json" --range 100 --json "$D/x" --csv "$D/x"
dir_next
EXACT="mpiscale: --checkpoint: '$D/x': the same file as --report" MAY_WRITE=x.status \
  bad 2 --checkpoint "the same file as --report" --range 100 --report "$D/x" --checkpoint "$D/x"
# ... two spellings of one file by rank 0 before any work (the lines would mix in it).
dir_next
EXACT="mpiscale: --csv: '$D/./same.out': the same file as --json '$D/same.out'" \
  bad_own 2 --csv "same file as --json" --range 100 --json "$D/same.out" --csv "$D/./same.out"
dir_next
EXACT="mpiscale: --checkpoint: '$D/./r.txt': the same file as --report '$D/r.txt'" \
MAY_WRITE=r.txt.status bad 2 --checkpoint "the same file as --report" \
  --range 100 --report "$D/r.txt" --checkpoint "$D/./r.txt"
# --status naming the file of --json (an existing results file): refused, and the refusal writes
# no status into it (nor anywhere else).
dir_next
echo '{"precious": 1}' >"$D/x"
EXACT="mpiscale: --status: '$D/x': the same file as --json" \
  bad_own 2 --status "the same file as --json" --range 100 --json "$D/x" --status "$D/x"
dir_next
echo '{"precious": 1}' >"$D/x"
EXACT="mpiscale: --status: '$D/./x': the same file as --json '$D/x'" \
  bad_own 2 --status "the same file as --json" --range 100 --json "$D/x" --status "$D/./x"
# --status naming a file that is not a status file: refused, the file left as it was.
dir_next
echo 'my notes' >"$D/notes"
EXACT="mpiscale: --status: '$D/notes': exists and is not an mpiscale status file" \
  bad_own 2 --status "not an mpiscale status file" --range 100 --status "$D/notes"
# --report does not replace an existing file without --force (the file stays as it was).
dir_next
echo "an older report" >"$D/r.txt"
EXACT="mpiscale: --report: '$D/r.txt': exists; --force replaces it" \
  bad 2 --report "exists; --force replaces it" --range 100 --report "$D/r.txt"
EXACT="mpiscale: --force: only with --report FILE (it replaces that file)" \
  bad 2 --force "only with --report" --range 100 --force

# --- checkpoint, status, deadline and time limit ------------------------------------------------
# With --checkpoint FILE (and no --status) a refusal still writes FILE.status, "invalid-input".
ck_sweep="--checkpoint: not with a sweep (--sweep, --repeat, --warmup or --weak)"
for sw in "--sweep 1,2" "--repeat 2" "--warmup 1" "--weak"; do
  dir_next
  # shellcheck disable=SC2086 # $sw is an option and its value
  MAY_WRITE=ck.status bad 2 --checkpoint "$ck_sweep" --kernel pi --range 1000 --checkpoint "$D/ck" $sw
done
ck_sweep_case=$((n_case - 3)) # the --sweep one: its FILE.status is checked below
EXACT="mpiscale: --fresh: only with --checkpoint FILE (it discards that journal)" \
  bad 2 --fresh "only with --checkpoint" --range 100 --fresh
# A checkpoint that is not a journal at all: refused, left as it was.
dir_next
echo hello >"$D/notes.txt"
MAY_WRITE=notes.txt.status bad 2 --checkpoint "$D/notes.txt" --kernel pi --range 1000 --checkpoint "$D/notes.txt"
dir_next
: >"$D/empty"
MAY_WRITE=empty.status bad 2 --checkpoint "$D/empty" --kernel pi --range 1000 --checkpoint "$D/empty"
# The status file of an invalid input: it exists afterwards and says so (checked below).
dir_next
MAY_WRITE=s.json bad 2 --range "12:5" --range 12:5 --status "$D/s.json"
status_case=$n_case
deadline_why="must be a time in seconds since the Epoch, as \`date +%s\` prints it"
for v in abc 1e9 0x10 -5 0 ""; do
  EXACT="mpiscale: --deadline: '$v': $deadline_why" bad 2 --deadline "'$v'" --range 100 --deadline "$v"
done
tl_why="must be seconds (90), a number with a unit (30m, 1.5h) or [[D-]HH:]MM:SS, above 0 and at most a year"
# 8785h and 367-00:00:00 are past a year; nan and 1:2:3:4 are no time at all
for v in 0 -1 2y 8785h 367-00:00:00 1:2:3:4 nan ""; do
  EXACT="mpiscale: --time-limit: '$v': $tl_why" bad 2 --time-limit "'$v'" --range 100 --time-limit "$v"
done

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

# --- output files that cannot be written: exit 3, checked on rank 0 before any work -------------
# A read-only directory cannot stand for "cannot be written" here: the tests run as root in CI,
# and root writes into a mode-0555 directory all the same (and no read-only mount is at hand). A
# path whose "directory" is a regular file ($tmp/afile/x) fails for root too (ENOTDIR); the 0555
# directory is tried as well when not running as root.
mkdir "$tmp/adir"
echo "a regular file" >"$tmp/afile"
io_cases=()
io() { # io ID OPTION PATH [TEXT] — exit 3, one line naming OPTION (and TEXT); launched now
  local id=$1 opt=$2 path=$3
  io_cases+=("$id|$opt|$path|${4:-}")
  launch "$id" "$NP" --range 1000 "$opt" "$path"
}
for opt in --json --csv --report --checkpoint --status; do
  io "io_nodir${opt#--}" "$opt" /nonexistent-dir/x "directory '/nonexistent-dir' does not exist"
  io "io_notdir${opt#--}" "$opt" "$tmp/afile/x" "'$tmp/afile/x'"
done
io io_dir --json "$tmp/adir" "is a directory" # a directory, not a file
io io_ckdir --checkpoint "$tmp/adir" "is a directory"
io io_slash --json "$tmp/notyet/" "names a directory" # a directory name, refused before the run
io io_slash_report --report "$tmp/notyet/" "names a directory"
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$tmp/rodir"
  chmod 555 "$tmp/rodir"
  io io_ro_json --json "$tmp/rodir/x.jsonl" "is not writable"
  io io_ro_report --report "$tmp/rodir/r.txt" "is not writable"
  io io_ro_ck --checkpoint "$tmp/rodir/j" "is not writable"
fi
# A good --json with a bad --csv: neither file may appear (outputs are all or nothing); likewise a
# good --report and --checkpoint with a bad --status.
launch io_mixed "$NP" --range 1000 --json "$tmp/good.jsonl" --csv /nonexistent-dir/x.csv
launch io_mixed2 "$NP" --kernel pi --range 1000 --report "$tmp/good.txt" --checkpoint "$tmp/good.ck" \
  --status "$tmp/afile/s"
# A write that fails after the run (/dev/full: ENOSPC) is an I/O error too, reported the same way;
# the report on stdout may already be out.
if [ -c /dev/full ]; then
  launch io_full_json "$NP" --range 1000 --json /dev/full
  launch io_full_csv "$NP" --range 1000 --csv /dev/full
fi

# --- accepted: what the cases above must not be confused with -----------------------------------
launch ok_zero "$NP" --range -0:10 --quiet # -0 is 0: the same job as 0:10
launch ok_zero_ref "$NP" --range 0:10 --quiet
# --param is repeatable, and of --progress / --no-progress the last one wins (here: none shown)
launch ok_repeatable "$NP" --kernel heavy_tail --range 100 --param seed=3 --param alpha=2 \
  --progress --no-progress --quiet
launch ok_pi_ref "$NP" --kernel pi --range 0:1000 --quiet
launch ok_pi2_ref "$NP" --kernel pi --range 0:2000 --quiet

# --- checkpoint journals, in sequences of launches ----------------------------------------------
mkdir "$tmp/journal_other" "$tmp/journal_damaged"
# A journal written for other inputs: refused (exit 2) and left alone, nothing else written; with
# --fresh the same command starts over.
ck_other_seq() {
  local d="$tmp/journal_other"
  run_one ck_make "$NP" --kernel pi --range 0:1000 --checkpoint "$d/J" --quiet
  snapshot "$d" J.status >"$tmp/ck_other.before"
  run_one ck_other "$NP" --kernel pi --range 0:2000 --checkpoint "$d/J" --quiet --json "$d/o.jsonl"
  snapshot "$d" J.status >"$tmp/ck_other.after"
  cp "$d/J.status" "$tmp/ck_other.status" 2>/dev/null
  run_one ck_fresh "$NP" --kernel pi --range 0:2000 --checkpoint "$d/J" --quiet --json "$d/o.jsonl" --fresh
}
background ck_other_seq
# A damaged journal is no error: one record line with one byte changed, and (a copy) one with its
# last line cut half-way; the damaged record is dropped, its segment computed again.
ck_damaged_seq() {
  local d="$tmp/journal_damaged" size last
  run_one ckd_make "$NP" --kernel pi --range 0:1000 --checkpoint "$d/J" --quiet
  [ -s "$d/J" ] || return 0
  cp "$d/J" "$d/J.orig"
  # the first digit after "r=0x1." of the third line (the second record) becomes another one
  awk 'NR == 3 { i = index($0, " r=0x") + 7; c = substr($0, i, 1)
                 $0 = substr($0, 1, i - 1) (c == "0" ? "1" : "0") substr($0, i + 1) } { print }' \
    "$d/J.orig" >"$d/J"
  size=$(wc -c <"$d/J.orig")
  last=$(tail -n 1 "$d/J.orig" | wc -c)
  head -c "$((size - last / 2))" "$d/J.orig" >"$d/T"
  cp "$d/J" "$d/J.flipped"
  cp "$d/T" "$d/T.cut"
  run_one ckd_flip "$NP" --kernel pi --range 0:1000 --checkpoint "$d/J" --quiet
  run_one ckd_cut "$NP" --kernel pi --range 0:1000 --checkpoint "$d/T" --quiet
}
background ck_damaged_seq

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
done
check "--status FILE of an invalid --range: FILE says state invalid-input, exit_code 2" \
  status_is "$tmp/f$status_case/s.json" invalid-input 2
check "--checkpoint FILE refused with --sweep: FILE.status says state invalid-input, exit_code 2" \
  status_is "$tmp/f$ck_sweep_case/ck.status" invalid-input 2
check "--checkpoint FILE refused with --sweep: FILE not created" test ! -e "$tmp/f$ck_sweep_case/ck"

for c in "${io_cases[@]}"; do
  IFS='|' read -r id opt path text <<<"$c"
  label="mpiscale $opt ${path//"$tmp"/\$tmp}"
  collect "$id"
  check "$label: exits 3 (got $rc)" test "$rc" = 3
  if one_line && grep -qF -- "mpiscale: $opt: " "$tmp/err" && grep -qF -- "$text" "$tmp/err"; then
    ok "$label: one stderr line 'mpiscale: $opt: ...' with \"$text\""
  else
    notok "$label: one stderr line 'mpiscale: $opt: ...' with \"$text\""
    show_stderr
  fi
  check "$label: nothing on stdout (no report)" test ! -s "$tmp/out"
done
check "--json/--checkpoint into a directory left it empty" test -z "$(ls -A "$tmp/adir")"
check "--json DIR/, --report DIR/: nothing created" test ! -e "$tmp/notyet"
check "a regular file used as a directory is left as it was" \
  test "$(cat "$tmp/afile")" = "a regular file"
if [ -d "$tmp/rodir" ]; then
  check "a read-only directory is left empty" test -z "$(ls -A "$tmp/rodir")"
  chmod 755 "$tmp/rodir"
fi
collect io_mixed
label="mpiscale --json GOOD --csv /nonexistent-dir/x.csv"
check "$label: exits 3 (got $rc)" test "$rc" = 3
check "$label: one stderr line naming --csv" line_of --csv
check "$label: no JSON file written" test ! -e "$tmp/good.jsonl"
collect io_mixed2
label="mpiscale --report GOOD --checkpoint GOOD --status \$tmp/afile/s"
check "$label: exits 3 (got $rc)" test "$rc" = 3
check "$label: one stderr line naming --status" line_of --status
check "$label: no report, journal or status file written" \
  test ! -e "$tmp/good.txt" -a ! -e "$tmp/good.ck" -a ! -e "$tmp/good.ck.status"
if [ -c /dev/full ]; then
  for opt in --json --csv; do
    collect "io_full_${opt#--}"
    label="mpiscale $opt /dev/full (write fails: no space left)"
    check "$label: exits 3 (got $rc)" test "$rc" = 3
    if one_line && grep -q "^mpiscale: $opt: " "$tmp/err"; then
      ok "$label: one stderr line 'mpiscale: $opt: ...'"
    else
      notok "$label: one stderr line 'mpiscale: $opt: ...'"
      show_stderr
    fi
  done
fi

# --- accepted cases -------------------------------------------------------------------------------
collect ok_zero_ref
zero_ref=$(digest_of "$tmp/out")
collect ok_zero
check "mpiscale --range -0:10: exits 0 (got $rc)" test "$rc" = 0
check "mpiscale --range -0:10: the digest of --range 0:10 ($zero_ref)" \
  test -n "$zero_ref" -a "$(digest_of "$tmp/out")" = "$zero_ref"
collect ok_repeatable
label="mpiscale --param seed=3 --param alpha=2 --progress --no-progress"
check "$label: exits 0 (got $rc)" test "$rc" = 0
check "$label: nothing on stderr (--no-progress, given last, wins)" test ! -s "$tmp/err"
check "$label: the summary line" grep -q "^heavy_tail P=$NP .* verification=PASS" "$tmp/out"
collect ok_pi_ref
pi_ref=$(digest_of "$tmp/out")
collect ok_pi2_ref
pi2_ref=$(digest_of "$tmp/out")
check "reference runs of pi 0:1000 and 0:2000 give digests" test -n "$pi_ref" -a -n "$pi2_ref"

# A journal for other inputs.
d="$tmp/journal_other"
collect ck_make
check "checkpoint: pi 0:1000 --checkpoint J: exits 0 (got $rc)" test "$rc" = 0
check "checkpoint: pi 0:1000 --checkpoint J: J written" test -s "$d/J"
collect ck_other
label="checkpoint: pi 0:2000 --checkpoint J (J is for 0:1000)"
check "$label: exits 2 (got $rc)" test "$rc" = 2
if one_line && grep -qF -- "mpiscale: --checkpoint: " "$tmp/err" && grep -qF -- "--fresh" "$tmp/err"; then
  ok "$label: one stderr line 'mpiscale: --checkpoint: ...' naming --fresh"
else
  notok "$label: one stderr line 'mpiscale: --checkpoint: ...' naming --fresh"
  show_stderr
fi
check "$label: nothing on stdout (no report)" test ! -s "$tmp/out"
if cmp -s "$tmp/ck_other.before" "$tmp/ck_other.after"; then
  ok "$label: the journal unchanged, no other file written (J.status aside)"
else
  notok "$label: the journal unchanged, no other file written (J.status aside)"
  diff "$tmp/ck_other.before" "$tmp/ck_other.after" | sed 's/^/#   /' | head -n 5
fi
check "$label: J.status says state invalid-input, exit_code 2" \
  status_is "$tmp/ck_other.status" invalid-input 2
collect ck_fresh
label="checkpoint: the same with --fresh"
check "$label: exits 0 (got $rc)" test "$rc" = 0
check "$label: the digest of pi 0:2000 without a checkpoint" test "$(digest_of "$tmp/out")" = "$pi2_ref"
check "$label: J is a journal for 0:2000 now" grep -q "^mpiscale-journal .* range=0:2000 " "$d/J"

# Damaged journals.
d="$tmp/journal_damaged"
collect ckd_make
check "damaged checkpoint: pi 0:1000 --checkpoint J: exits 0 (got $rc)" test "$rc" = 0
check "damaged checkpoint: the digest of pi 0:1000 without a checkpoint" \
  test "$(digest_of "$tmp/out")" = "$pi_ref"
check "damaged checkpoint: one byte of one record changed" \
  test "$(cmp -l "$d/J.orig" "$d/J.flipped" 2>/dev/null | wc -l)" = 1
check "damaged checkpoint: the last line cut half-way" \
  test "$(wc -l <"$d/T.cut")" = "$(($(wc -l <"$d/J.orig") - 1))" -a \
  "$(tail -c 1 "$d/T.cut" | od -An -c | tr -d ' ')" != '\n'
for what in flip:J cut:T; do
  name=${what#*:}
  label="damaged checkpoint ($([ "$name" = J ] && echo "one byte changed" || echo "last line cut")): pi 0:1000 --checkpoint $name"
  collect "ckd_${what%%:*}"
  check "$label: exits 0 (got $rc)" test "$rc" = 0
  check "$label: nothing on stderr" test ! -s "$tmp/err"
  check "$label: says 999 of 1000 segments taken, 1 record dropped" grep -qF -- \
    "Checkpoint '$d/$name': 999 of 1000 segments taken from it (1 damaged or conflicting record dropped: " \
    "$tmp/out"
  check "$label: verified, the digest of a fresh run" \
    test "$(digest_of "$tmp/out")" = "$pi_ref" -a -n "$pi_ref"
done

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
