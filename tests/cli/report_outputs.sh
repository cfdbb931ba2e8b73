#!/usr/bin/env bash
# report_outputs.sh BIN — what mpiscale writes: two runs appending to one --json file (JSON Lines,
# every required key with its type) and one --csv file (one header, equal field counts); the
# t1_source of --serial-baseline against the estimate; --quiet; the Amdahl prediction of the
# `amdahl` kernel; a run with more ranks than segments, whose report names the idle rank; and the
# option spellings (-k, --kernel=NAME, --param before --kernel) and segment clipping.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=60 # seconds per launch

# run NAME NP ARGS... — runs mpiscale; stdout in $tmp/NAME.out, stderr in $tmp/NAME.err, exit in rc;
# checks the exit code is 0.
run() {
  local name=$1 np=$2; shift 2
  "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    ok "mpiscale $* (np=$np): exits 0"
  else
    notok "mpiscale $* (np=$np): exits 0 (got $rc)"
    sed 's/^/#   stderr: /' "$tmp/$name.err" | head -n 5
  fi
}
# jget FILE LINE EXPR — evaluates the Python expression EXPR over record `r`, the JSON object on
# line LINE (1-based) of FILE; prints nothing if that fails.
jget() {
  python3 - "$@" <<'EOF' 2>/dev/null
import json, sys
path, line, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
r = json.loads(open(path).read().splitlines()[line - 1])
v = eval(expr)
print(v if not isinstance(v, bool) else str(v).lower())
EOF
}

# --- two runs append to the same JSON Lines and CSV files -------------------------------------
J=$tmp/runs.jsonl
C=$tmp/runs.csv
run first 1 --kernel do_math --range 0:100000 --json "$J" --csv "$C"
run second 3 --kernel sum_squares --range -1000:12345 --segments 7 --schedule block \
  --json "$J" --csv "$C"

tally "$(python3 - "$J" <<'EOF'
import json, math, re, sys

lines_ok, records = [], []
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)

lines = raw.split("\n")
check(raw.endswith("\n") and len(lines) == 3 and all(l.strip() for l in lines[:2]),
      "JSON Lines file: exactly 2 lines, each newline-terminated (got %d non-empty)"
      % sum(1 for l in lines if l.strip()))

def bad_constant(c):
    raise ValueError("non-standard JSON constant " + c)

num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
integer = lambda v: isinstance(v, int) and not isinstance(v, bool)
PHASES = ("init", "setup", "scatter", "compute", "gather", "combine", "verify")

def find_key(obj, pred):
    """Values of keys satisfying pred anywhere in obj (provenance may be nested)."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if pred(k):
                found.append(v)
            found += find_key(v, pred)
    elif isinstance(obj, list):
        for v in obj:
            found += find_key(v, pred)
    return found

expect = [("do_math", 1, 0, 100000), ("sum_squares", 3, -1000, 12345)]
for i, l in enumerate(l for l in lines if l.strip()):
    tag = "JSON line %d" % (i + 1)
    try:
        r = json.loads(l, parse_constant=bad_constant)
        check(isinstance(r, dict), tag + ": a valid (strict) JSON object")
    except ValueError as e:
        check(False, tag + ": a valid (strict) JSON object (%s)" % e)
        continue
    if not isinstance(r, dict):
        continue
    problems = []
    def need(key, pred, what):
        if key not in r:
            problems.append("missing " + key)
        elif not pred(r[key]):
            problems.append("%s=%r is not %s" % (key, r[key], what))
    need("schema", lambda v: integer(v) or isinstance(v, str), "an integer or string")
    need("kernel", lambda v: isinstance(v, str) and v, "a non-empty string")
    need("params", lambda v: isinstance(v, (dict, str)), "an object or string")
    need("range", lambda v: isinstance(v, dict) and integer(v.get("start"))
         and integer(v.get("end")), "{start, end} integers")
    need("segments", integer, "an integer")
    need("schedule", lambda v: v == "block", "'block'")
    need("ranks", integer, "an integer")
    need("nodes", lambda v: integer(v) and v >= 1, "a positive integer")
    need("result", lambda v: isinstance(v, str) and re.fullmatch(r"[0-9]+", v), "a decimal string")
    need("digest", lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{16}", v),
         "16 hex digits")
    need("verified", lambda v: v is True, "true")
    for k in ("wall_s", "t1_s", "speedup", "efficiency", "serial_fraction"):
        need(k, lambda v: num(v) and math.isfinite(v) and v >= 0, "a finite number >= 0")
    need("karp_flatt", lambda v: v is None or num(v), "a number or null")
    need("t1_source", lambda v: isinstance(v, str) and v, "a non-empty string")
    need("status", lambda v: v == "complete", "'complete'")
    check(not problems, tag + ": required keys with their types"
          + ("" if not problems else " (" + "; ".join(problems) + ")"))

    ph = r.get("phases")
    pp = []
    if not isinstance(ph, dict):
        pp.append("phases=%r" % (ph,))
    else:
        for name in PHASES:
            s = ph.get(name)
            if not isinstance(s, dict):
                pp.append("no phase " + name)
                continue
            vals = []
            for stat in ("min", "mean", "max"):
                v = s.get(stat, s.get(stat + "_s"))
                if not num(v) or v < 0:
                    pp.append("%s.%s=%r" % (name, stat, v))
                vals.append(v)
            slack = lambda a, b: a <= b * (1 + 1e-9) + 1e-12  # mean is rounded
            if all(num(v) for v in vals) and not (slack(vals[0], vals[1])
                                                  and slack(vals[1], vals[2])):
                pp.append("%s: not min <= mean <= max (%r)" % (name, vals))
    check(not pp, tag + ": phases init/setup/scatter/compute/gather/combine/verify have "
          "min <= mean <= max seconds" + ("" if not pp else " (" + "; ".join(pp) + ")"))

    hosts = find_key(r, lambda k: k == "hosts")
    mpi = find_key(r, lambda k: "mpi" in k.lower())
    comp = find_key(r, lambda k: "compiler" in k.lower())
    start = find_key(r, lambda k: "start" in k.lower() and "time" in k.lower())
    check(hosts and isinstance(hosts[0], list) and len(hosts[0]) >= 1
          and any(isinstance(v, str) and v for v in mpi)
          and any(isinstance(v, str) and v for v in comp)
          and any(isinstance(v, str) and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", v) for v in start),
          tag + ": provenance: hosts list, MPI library, compiler, ISO 8601 start time")

    if i < len(expect):
        k, np_, lo, hi = expect[i]
        rg = r.get("range") or {}
        check(r.get("kernel") == k and r.get("ranks") == np_ and rg.get("start") == lo
              and rg.get("end") == hi,
              tag + ": kernel %s, ranks %d, range %d:%d in append order (got %r, %r, %r)"
              % (k, np_, lo, hi, r.get("kernel"), r.get("ranks"), rg))
        if np_ == 1:
            check(r.get("karp_flatt", 0) is None, tag + ": karp_flatt is null at 1 rank (got %r)"
                  % (r.get("karp_flatt"),))
        else:
            check(num(r.get("karp_flatt")), tag + ": karp_flatt is a number at %d ranks" % np_)
    if i == 1:
        check(r.get("segments") == 7, tag + ": segments 7 (got %r)" % (r.get("segments"),))
EOF
)"

tally "$(python3 - "$C" "$J" <<'EOF'
import csv, json, sys
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
raw = open(sys.argv[1], newline="").read()
rows = list(csv.reader(raw.splitlines()))
jrecs = [json.loads(l) for l in open(sys.argv[2]).read().splitlines() if l.strip()]
check(raw.endswith("\n") and len(rows) == 3,
      "CSV file: a header and 2 rows, newline-terminated (got %d lines)" % len(rows))
if rows:
    header = rows[0]
    check(rows.count(header) == 1 and "kernel" in header and "result" in header,
          "CSV header written exactly once and names 'kernel' and 'result' columns")
    check(all(len(r) == len(header) for r in rows[1:]) and len(header) > 1,
          "CSV rows have the header's %d fields (got %s)"
          % (len(header), [len(r) for r in rows[1:]]))
    if "result" in header and "kernel" in header and len(rows) == 3 and len(jrecs) == 2:
        ri, ki = header.index("result"), header.index("kernel")
        check([(r[ki], r[ri]) for r in rows[1:] if len(r) == len(header)]
              == [(j.get("kernel"), j.get("result")) for j in jrecs],
              "CSV rows carry the same kernel and result as the JSON lines, in order")
EOF
)"

# An existing but empty CSV file gets the header too.
: >"$tmp/empty.csv"
run empty_csv 2 --kernel sleep --range 3 --param usec=0 --csv "$tmp/empty.csv"
check "--csv into an existing empty file writes the header, then one row" \
  test "$(head -n 1 "$tmp/empty.csv")" = "$(head -n 1 "$C")" -a "$(wc -l <"$tmp/empty.csv")" -eq 2

# --- option spellings: short options and --name=VALUE mean the same ----------------------------
run long 2 --kernel random_fill --range -7:10 --segments 3 --param seed=5 --json "$tmp/long.jsonl"
run short 2 -k random_fill -r -7:10 -s 3 -p seed=5 --json "$tmp/short.jsonl"
run equals 2 --kernel=random_fill --range=-7:10 --segments=3 --param=seed=5 --json="$tmp/eq.jsonl"
pick='(r["kernel"], r["range"]["start"], r["segments"], r["result"], r["digest"])'
want=$(jget "$tmp/long.jsonl" 1 "$pick")
check "-k/-r/-s/-p run the same job as --kernel/--range/--segments/--param" \
  test -n "$want" -a "$(jget "$tmp/short.jsonl" 1 "$pick")" = "$want"
check "--name=VALUE runs the same job as --name VALUE" \
  test -n "$want" -a "$(jget "$tmp/eq.jsonl" 1 "$pick")" = "$want"

# --- --serial-baseline: T1 measured vs estimated ----------------------------------------------
run baseline 2 --range 0:1000003 --serial-baseline --json "$tmp/base.jsonl"
run estimate 2 --range 0:1000003 --json "$tmp/est.jsonl"
src_b=$(jget "$tmp/base.jsonl" 1 'r["t1_source"]')
src_e=$(jget "$tmp/est.jsonl" 1 'r["t1_source"]')
if [ -n "$src_b" ] && [ -n "$src_e" ] && [ "$src_b" != "$src_e" ]; then
  ok "t1_source differs with and without --serial-baseline ('$src_b' vs '$src_e')"
else
  notok "t1_source differs with and without --serial-baseline (got '$src_b' and '$src_e')"
fi
check "--serial-baseline: t1_source names the baseline ('$src_b')" grep -qi 'baseline' <<<"$src_b"
check "--serial-baseline: still verified" \
  test "$(jget "$tmp/base.jsonl" 1 'r["verified"]')" = true
check "--serial-baseline: same result as without" \
  test "$(jget "$tmp/base.jsonl" 1 'r["result"]')" = "$(jget "$tmp/est.jsonl" 1 'r["result"]')"
check "--serial-baseline: JSON phases carry a baseline phase" \
  test "$(jget "$tmp/base.jsonl" 1 '"baseline" in r["phases"]')" = true

# --- the human report and --quiet ---------------------------------------------------------------
run full 3 --range 0:100000 --json "$tmp/full.jsonl"
res=$(jget "$tmp/full.jsonl" 1 'r["result"]')
check "full report: 'Result: ', 'Digest: ' and 'Verification: PASS' once each (rank 0 only)" \
  test "$(grep -c '^Result: ' "$tmp/full.out")" -eq 1 -a \
       "$(grep -cE '^Digest: [0-9a-f]{16}$' "$tmp/full.out")" -eq 1 -a \
       "$(grep -c '^Verification: PASS' "$tmp/full.out")" -eq 1
check "full report: the Result line shows the exact result $res" \
  grep -qE "^Result: .*\\b$res\\b" "$tmp/full.out"
check "full report: nothing on stderr" test ! -s "$tmp/full.err"
run quiet 3 --range 0:100000 --quiet
nq=$(grep -c . "$tmp/quiet.out")
nf=$(grep -c . "$tmp/full.out")
check "--quiet: at most 2 lines, fewer than the full report ($nq vs $nf)" \
  test "$nq" -ge 1 -a "$nq" -le 2 -a "$nq" -lt "$nf"
check "--quiet: shows the result $res" grep -qF -- "$res" "$tmp/quiet.out"
check "--quiet: nothing on stderr" test ! -s "$tmp/quiet.err"
run quiet_short 3 --range 0:100000 -q
check "-q prints as many lines as --quiet" test "$(grep -c . "$tmp/quiet_short.out")" -eq "$nq"

# --- the amdahl kernel: the report gives Amdahl's prediction for its declared serial share -------
run amdahl 2 --kernel amdahl --range 0:1000003 --param serial=0.5
check "amdahl: report mentions Amdahl" grep -qi 'amdahl' "$tmp/amdahl.out"
# For F = 0.5 at P = 2 Amdahl predicts 1 / (0.5 + 0.5 / 2) = 1.333...
tally "$(python3 - "$tmp/amdahl.out" <<'EOF'
import re, sys
lines = [l for l in open(sys.argv[1]) if re.search(r"amdahl|predict", l, re.I)]
nums = [float(x) for l in lines for x in re.findall(r"(?<![\w.])\d+\.\d+|(?<![\w.])\d+(?![\w.])", l)]
good = any(abs(x - 4 / 3) < 0.006 for x in nums)
print(("ok - " if good else "not ok - ")
      + "amdahl: the Amdahl lines give the predicted speedup 1.33 for F=0.5 at 2 ranks"
      + ("" if good else " (lines: %r)" % [l.strip() for l in lines]))
EOF
)"
check "amdahl: Verification: PASS" grep -q '^Verification: PASS' "$tmp/amdahl.out"

# --- more ranks than segments: a rank has no work -----------------------------------------------
run idle 3 --range 0:1000 --segments 2 --json "$tmp/idle.jsonl"
check "--segments 2 at 3 ranks: Verification: PASS" grep -q '^Verification: PASS' "$tmp/idle.out"
check "--segments 2 at 3 ranks: report says a rank had no work / was idle" \
  grep -qiE 'no work|idle' "$tmp/idle.out"
check "--segments 2 at 3 ranks: JSON segments 2, ranks 3, exact result" \
  test "$(jget "$tmp/idle.jsonl" 1 '(r["segments"], r["ranks"], r["result"])')" = \
       "(2, 3, '$(python3 -c 'print(sum(abs(i + 1 - 10**6) for i in range(1000)))')')"

# --- more segments than elements: clipped to the element count ----------------------------------
run clip 2 --kernel sum_squares --range 0:5 --segments 100 --json "$tmp/clip.jsonl"
check "--segments 100 over 5 elements: JSON segments clipped to 5, result 30" \
  test "$(jget "$tmp/clip.jsonl" 1 '(r["segments"], r["result"])')" = "(5, '30')"

# --- option order: --param before --kernel -------------------------------------------------------
run order 2 --param usec=0 --range 10 --kernel sleep --json "$tmp/order.jsonl"
check "--param usec=0 before --kernel sleep: result 10, params recorded" \
  test "$(jget "$tmp/order.jsonl" 1 '(r["kernel"], r["result"], "usec" in str(r["params"]))')" = \
       "('sleep', '10', True)"

cli_finish
