#!/usr/bin/env bash
# schedule_report.sh BIN — what the schedules of issue 3 report, and --slow-rank. Bad --slow-rank
# and --schedule values exit 2 with one "mpiscale: ..." line naming the option and the value, no
# report and no --json/--csv file; so does a --slow-rank rank that the launch does not have.
# A slow rank changes timings, never the result: every run here has the digest of the plain block
# run. Dynamic kinds make one atomic claim per chunk plus one final empty claim per rank; a chunk
# larger than the range is one chunk, and one rank stays idle. JSON (schema 2) carries slow_rank
# and the balance object, CSV the new columns; a rank per core too many gives advice about cores.
# Weighted runs a calibrate phase, and with --slow-rank 1:4 its measured slowest/fastest speed
# ratio is well below 1 (about 0.25; < 0.6 is required): a ratio within one run, never an
# absolute time. Runs at 1 to 4 ranks through $MSC_MPI_RUN.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=60 # seconds per launch
NP=2
RANGE=0:20M # do_math: about 0.05 s of compute in all, enough for a 5 ms calibration probe

# Launches run in the background, at most $JOBS at a time; launch ID NP ARGS... keeps stdout in
# $tmp/ID/out, raw stderr in $tmp/ID/err.raw, mpiscale's own stderr in $tmp/ID/err (after
# `collect_all`) and the exit code in $tmp/ID/rc. Runs that compare times within themselves are
# started with `launch_alone`, after the others have finished.
JOBS=4
launch() {
  local id=$1 np=$2; shift 2
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  mkdir -p "$tmp/$id"
  ( "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@" >"$tmp/$id/out" 2>"$tmp/$id/err.raw"
    echo $? >"$tmp/$id/rc" ) &
}
launch_alone() {
  wait
  launch "$@"
  wait
}
rc_of() { cat "$tmp/$1/rc" 2>/dev/null || echo none; }

# jtest ID EXPR — succeeds when the Python expression EXPR is true, evaluated with r = the JSON
# object in $tmp/ID/out.jsonl, b = r["balance"], text = ID's stdout and csv = the rows of
# $tmp/ID/out.csv (dicts by header) when there is one; otherwise prints why.
jtest() {
  python3 - "$tmp/$1" "$2" <<'EOF' 2>&1
import csv, json, os, re, sys
d, expr = sys.argv[1], sys.argv[2]
def bad(c):
    raise ValueError("non-standard JSON constant " + c)
lines = [l for l in open(os.path.join(d, "out.jsonl")).read().split("\n") if l.strip()]
if len(lines) != 1:
    sys.exit("%d JSON lines" % len(lines))
r = json.loads(lines[0], parse_constant=bad)
b = r.get("balance")
text = open(os.path.join(d, "out")).read()
csv_path = os.path.join(d, "out.csv")
csv = list(csv.DictReader(open(csv_path, newline=""))) if os.path.exists(csv_path) else None
num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
if not eval("(" + expr + "\n)"):
    sys.exit("false: " + expr)
EOF
}
# jcheck DESCRIPTION ID EXPR — one ok / not ok line for jtest ID EXPR, with the reason on failure.
jcheck() {
  local msg
  if msg=$(jtest "$2" "$3"); then
    ok "$1"
  else
    notok "$1"
    printf '%s\n' "$msg" | tail -n 3 | sed 's/^/#   /'
  fi
}
# timed ID EXPR NP ARGS... — runs ARGS (with --json) alone, for a check EXPR that compares times
# within the run. This machine's cores are shared, so a disturbed run (seen here: one rank of a
# plain block run 3x slower than the other) gets one more launch; the first reason is shown.
timed() {
  local id=$1 expr=$2 np=$3 try msg; shift 3
  for try in 1 2; do
    rm -rf "${tmp:?}/$id"
    launch_alone "$id" "$np" "$@" --json "$tmp/$id/out.jsonl"
    [ "$(rc_of "$id")" = 0 ] || return 0 # the exit code is checked with the other runs
    msg=$(jtest "$id" "$expr") && return 0
    echo "# $id, try $try: $(printf '%s' "$msg" | tail -n 1)"
  done
}

# --- refused before any work --------------------------------------------------------------------
n_bad=0
declare -a bad_label bad_opt bad_name
# bad OPTION NAMED NP ARGS... — ARGS must exit 2 at NP ranks with one stderr line "mpiscale: ..."
# that contains OPTION and NAMED, print no report and create neither output file.
bad() {
  local opt=$1 named=$2 np=$3; shift 3
  n_bad=$((n_bad + 1))
  bad_opt[n_bad]=$opt bad_name[n_bad]=$named
  bad_label[n_bad]="mpiscale$(printf ' %q' "$@") (np=$np)"
  launch "bad$n_bad" "$np" --range 1000 "$@" --json "$tmp/bad$n_bad/out.jsonl" \
    --csv "$tmp/bad$n_bad/out.csv"
}
for v in 5 "" a:2 1:0 1:101 -1:2 1:2x :2 1: 1:2:3 1.5:2 99999999999:2 " 1:2"; do
  bad --slow-rank "'$v'" "$NP" --slow-rank "$v"
done
# Well-formed, but the launch has no such rank: R = P is the first that does not exist.
bad --slow-rank "rank 5" 2 --slow-rank 5:2
bad --slow-rank "rank 2" 2 --slow-rank 2:2
bad --slow-rank "rank 1" 1 --slow-rank 1:3
bad --slow-rank "rank 4" 4 --schedule dynamic --slow-rank 4:2
bad --slow-rank "rank 3" 3 --schedule weighted --slow-rank 3:2
for v in block:3 cyclic:1 weighted:2 dynamic:0 dynamic:-1 dynamic:x dynamic: dynamic:2:3 \
         guided:16777217 guided:1.5 block-cyclic:0 Dynamic "" "dynamic 4"; do
  bad --schedule "'$v'" "$NP" --schedule "$v"
done

# --- runs that must complete: do_math over $RANGE, all with the digest of the first -------------
good() { # good ID NP ARGS... — with --json
  local id=$1 np=$2; shift 2
  launch "$id" "$np" --kernel do_math --range "$RANGE" "$@" --json "$tmp/$id/out.jsonl"
}
good plain "$NP" --schedule block
good slow12 "$NP" --schedule block --slow-rank 1:2
good slow_dyn "$NP" --schedule dynamic --slow-rank 1:4
good slow_guided "$NP" --schedule guided:3 --slow-rank 1:4
good slow_dyn4 4 --schedule dynamic:3 --slow-rank 3:3
good slow_cyclic3 3 --schedule cyclic --slow-rank 0:2
good weighted1 1 --schedule weighted --slow-rank 0:1
good huge_k "$NP" --schedule dynamic:16777216
good guided_csv 3 --schedule guided:5 --csv "$tmp/guided_csv/out.csv"
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 0)
if [ "$cores" -ge 1 ] && [ "$cores" -lt 4 ]; then
  good over $((cores + 1)) --schedule block
fi
# Timed against themselves, one run at a time (the checks of these expressions follow below).
SPEED_RATIO='b["speed_min"] / b["speed_max"] < 0.6
             or sys.exit("ratio %.3f" % (b["speed_min"] / b["speed_max"]))'
timed weighted_slow "$SPEED_RATIO" "$NP" --kernel do_math --range "$RANGE" --schedule weighted \
  --slow-rank 1:4
# A block split with one rank 10x slower is about 80% imbalanced (10 / 5.5 - 1), far above the 10%
# where advice starts: rank 0 would have to run 8x slower than usual to hide it.
SLOW_ADVICE='r["imbalance"] > 0.10 and isinstance(b["advice"], str) and b["advice"]
             or sys.exit("imbalance %.3f, advice %r" % (r["imbalance"], b["advice"]))'
timed block_slow "$SLOW_ADVICE" "$NP" --kernel do_math --range "$RANGE" --schedule block \
  --slow-rank 1:10

# --- checks, in launch order --------------------------------------------------------------------
for i in $(seq 1 "$n_bad"); do
  id=bad$i label=${bad_label[i]}
  strip_mpirun "$tmp/$id/err.raw" >"$tmp/$id/err"
  rc=$(rc_of "$id")
  check "$label: exits 2 (got $rc)" test "$rc" = 2
  first=$(head -n 1 "$tmp/$id/err")
  if [ "$(wc -l <"$tmp/$id/err")" -eq 1 ] && [[ $first == "mpiscale: "* ]] &&
     grep -qF -- "${bad_opt[i]}" "$tmp/$id/err" && grep -qF -- "${bad_name[i]}" "$tmp/$id/err"; then
    ok "$label: one stderr line 'mpiscale: ...' naming ${bad_opt[i]} and ${bad_name[i]}"
  else
    notok "$label: one stderr line 'mpiscale: ...' naming ${bad_opt[i]} and ${bad_name[i]}"
    sed 's/^/#   stderr: /' "$tmp/$id/err" | head -n 5
  fi
  if grep -qE '^(Result|Digest|Verification|Schedule)' "$tmp/$id/out" ||
     [ -e "$tmp/$id/out.jsonl" ] || [ -e "$tmp/$id/out.csv" ]; then
    notok "$label: no report, no --json/--csv file"
  else
    ok "$label: no report, no --json/--csv file"
  fi
done

for id in plain slow12 slow_dyn slow_guided slow_dyn4 slow_cyclic3 weighted1 huge_k guided_csv \
          over weighted_slow block_slow; do
  [ -d "$tmp/$id" ] || continue
  rc=$(rc_of "$id")
  if [ "$rc" != 0 ]; then
    notok "run $id: exits 0 (got $rc)"
    strip_mpirun "$tmp/$id/err.raw" | sed 's/^/#   stderr: /' | head -n 5
    continue
  fi
  ok "run $id: exits 0"
  jcheck "run $id: verified, complete, schema 2, a Schedule block in the report" "$id" \
    'r["verified"] is True and r["status"] == "complete" and r["schema"] == 2 and
     re.search(r"^Verification: PASS", text, re.M) and
     re.search(r"^Schedule \S+ \(\d+ chunks? of \d+ segments\):\n  load imbalance ", text, re.M)'
  [ "$id" = plain ] && continue
  want=$(jq -r .digest "$tmp/plain/out.jsonl" 2>/dev/null)
  jcheck "run $id: the plain block run's digest $want" "$id" "r['digest'] == '$want'"
  jcheck "run $id: advice is null or one line, shown in the report" "$id" \
    'b["advice"] is None or (isinstance(b["advice"], str) and b["advice"]
                             and "\n" not in b["advice"]
                             and ("  advice: " + b["advice"] + "\n") in text)'
done

# The slow rank in JSON and in the report.
jcheck "plain: slow_rank is null, no --slow-rank note" plain \
  'r["slow_rank"] is None and "--slow-rank" not in text'
jcheck "slow12: slow_rank is {rank: 1, factor: 2}, and the report notes it" slow12 \
  'r["slow_rank"] == {"rank": 1, "factor": 2} and
   re.search(r"^  note: --slow-rank 1:2: rank 1 ran every kernel call 2 times", text, re.M)'
jcheck "slow_dyn4: slow_rank is {rank: 3, factor: 3} (R = P - 1 exists)" slow_dyn4 \
  'r["slow_rank"] == {"rank": 3, "factor": 3} and r["ranks"] == 4'
jcheck "weighted1: slow_rank is {rank: 0, factor: 1}" weighted1 \
  'r["slow_rank"] == {"rank": 0, "factor": 1}'

# Claims: one per chunk, plus one empty claim per rank; none for static schedules.
for id in slow_dyn slow_guided slow_dyn4 huge_k guided_csv; do
  jcheck "$id: claims == chunks + ranks (a final empty claim per rank)" "$id" \
    'b["claims"] == b["chunks"] + r["ranks"] and b["claims_s"] >= 0 and b["claim_max_s"] >= 0
     and re.search(r"^  claims +%d atomic" % b["claims"], text, re.M)'
done
for id in plain slow12 slow_cyclic3 weighted1 weighted_slow block_slow; do
  jcheck "$id: static schedule, no claims" "$id" \
    'b["claims"] == 0 and b["claims_s"] == 0 and re.search(r"^  messages +none", text, re.M)'
done
jcheck "huge_k: dynamic:16777216 over 1024 segments is one chunk, 3 claims, one idle rank" huge_k \
  'r["schedule"] == "dynamic:16777216" and b["chunk"] == 16777216 and b["chunks"] == 1
   and b["claims"] == 3 and r["idle_ranks"] == 1'
jcheck "slow_guided: schedule guided:3, kind guided, chunk 3" slow_guided \
  'r["schedule"] == "guided:3" and b["kind"] == "guided" and b["chunk"] == 3'

# CSV carries the schedule as run and the new columns, equal to the JSON's.
jcheck "guided_csv: CSV header has idle_s, claims, claims_s, advice; the row matches the JSON" \
  guided_csv \
  'csv is not None and len(csv) == 1 and
   all(k in csv[0] for k in ("idle_s", "claims", "claims_s", "advice")) and
   csv[0]["schedule"] == r["schedule"] == "guided:5" and int(csv[0]["claims"]) == b["claims"]
   and csv[0]["advice"] == (b["advice"] or "")'

if [ -d "$tmp/over" ]; then
  jcheck "over: $((cores + 1)) ranks on $cores cores: the advice says so" over \
    'isinstance(b["advice"], str) and "cores" in b["advice"]'
fi

# Weighted: the calibrate phase, the speeds, and a slow rank measured as slow.
# One rank takes every segment whatever its speed, so it is not calibrated.
jcheck "weighted1: one rank: no calibrate phase, speed_min and speed_max null or 0" weighted1 \
  'not re.search(r"^calibrate\s", text, re.M) and r["phases"]["calibrate"]["max"] == 0 and
   b["speed_min"] in (None, 0) and b["speed_max"] in (None, 0)'
jcheck "weighted_slow: calibrate phase in the report and JSON, calibration line, positive speeds" \
  weighted_slow \
  're.search(r"^calibrate\s", text, re.M) and r["phases"]["calibrate"]["max"] > 0 and
   re.search(r"^  calibration +probe speeds", text, re.M) and
   num(b["speed_min"]) and num(b["speed_max"]) and 0 < b["speed_min"] <= b["speed_max"]'
jcheck "weighted_slow: --slow-rank 1:4 measured: speed_min / speed_max < 0.6 (about 0.25)" \
  weighted_slow "$SPEED_RATIO"
for id in plain slow_dyn huge_k block_slow; do
  jcheck "$id: not weighted: speed_min and speed_max are null, no calibrate row" "$id" \
    'b["speed_min"] is None and b["speed_max"] is None
     and not re.search(r"^calibrate\s", text, re.M)'
done
jcheck "block_slow: --slow-rank 1:10 under block: imbalance > 10% and advice given" block_slow \
  "$SLOW_ADVICE"

cli_finish
