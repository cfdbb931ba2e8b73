#!/usr/bin/env bash
# auto_repeat.sh BIN — --repeat auto[:CAP] with --precision (issue 4, point 1): every point runs at
# least 6 times, then only the points whose median's 95% interval is not yet within the precision
# run again, until it is or CAP runs were made. The rule is checked on the job times the JSON lines
# carry (recomputing the order-statistic interval), never on absolute times; with --precision 50%
# on the steady sleep kernel every point stops at 6, with a precision nothing reaches every point
# runs to the cap. Also: the report's per-point lines and flags, the outlier and +-95% columns,
# --repeat N unchanged, the CSV sweep_mode/sweep_run columns, and the refusals. Runs through
# $MSC_MPI_RUN.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=120

# run, rc and has: tests/cli/lib.sh
jcheck() { # jcheck FILE EXPR — EXPR true with rs = the JSON lines of FILE, runs = {p: [wall_s...]}
  python3 - "$1" "$2" <<'PY'
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
runs = {}
for r in sorted(rs, key=lambda r: r["sweep"]["run"]):
    runs.setdefault(r["ranks"], []).append(r["wall_s"])
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
# rule FILE PRECISION CAP — every point made at least 6 runs, was not precise after any earlier
# count from 6 on, and is precise after its last run unless it made CAP runs (model.c's rule:
# the distribution-free interval of the median from binomial order statistics).
rule() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
prec, cap = float(sys.argv[2]), int(sys.argv[3])
runs = {}
for r in sorted((json.loads(l) for l in open(sys.argv[1])), key=lambda r: r["sweep"]["run"]):
    runs.setdefault(r["ranks"], []).append(r["wall_s"])
def precise(x):
    v, n = sorted(x), len(x)
    term, tail, j = 0.5 ** n, 0.0, 0
    for k in range(n):
        if 2 * k >= n or tail + term > 0.025:
            break
        tail += term
        j = k + 1
        term = term * (n - k) / (k + 1)
    if j < 1:
        return False
    med = v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])
    return med > 0 and med - v[j - 1] <= prec * med and v[n - j] - med <= prec * med
ok = bool(runs)
for p, w in runs.items():
    n = len(w)
    good = 6 <= n <= cap and not any(precise(w[:k]) for k in range(6, n)) and (n == cap or precise(w))
    print("# p=%d: %d runs%s" % (p, n, "" if good else " BREAKS THE RULE"))
    ok = ok and good
sys.exit(0 if ok else 1)
PY
}

# sleep costs no CPU, so its job times barely vary: 40 ms at p = 1, 20 ms at p = 2
STEADY=(--kernel sleep --param usec=10000 --range 0:4 --segments 4)

# --- a loose precision: every point stops at the minimum -------------------------------------------
loose() {
  rm -f "$tmp/loose.jsonl" "$tmp/loose.csv"
  run loose 2 "${STEADY[@]}" --sweep 1,2 --repeat auto:10 --precision 50% --warmup 1 \
    --json "$tmp/loose.jsonl" --csv "$tmp/loose.csv"
}
loose
# a run more than 1.5 times the median (a 10 ms hiccup) keeps a point going: one retry
if ! jcheck "$tmp/loose.jsonl" 'sorted(len(w) for w in runs.values()) == [6, 6]'; then
  echo "# --precision 50%: a point needed more than 6 runs; one retry (shared machine)"
  loose
fi
check "--repeat auto --precision 50%: exit 0" [ "$(rc loose)" = 0 ]
check "--precision 50%: the stopping rule holds at every point" rule "$tmp/loose.jsonl" 0.5 10
check "--precision 50% on a steady kernel: every point stops at 6 runs" \
  jcheck "$tmp/loose.jsonl" 'sorted(len(w) for w in runs.values()) == [6, 6]'
check "the report says how many runs each point took" \
  bash -c "grep -qE '^  p=1: \+-[0-9.]+% after 6 runs( \([0-9]+ outliers?\))?$' '$tmp/loose.out' && grep -qE '^  p=2: \+-[0-9.]+% after 6 runs( \([0-9]+ outliers?\))?$' '$tmp/loose.out'"
check "the report names the rule" has loose "Repeats (--repeat auto): each point until the 95% interval of its median lies within +-50%, at least 6 and at most 10 runs:"
check "no point is flagged" bash -c "! grep -q 'not within' '$tmp/loose.out'"
check "the table has the outliers and +-95% columns" \
  grep -qE '^ +p +nodes +runs +outliers +median s +\+-95% ' "$tmp/loose.out"
check "each table row shows 6 runs and a half-width" \
  bash -c "[ \$(grep -cE '^ +[12] +1 +6 +[0-9]+ +[0-9.]+ +[0-9.]+% ' '$tmp/loose.out') -eq 2 ]"
check "one progress line on stdout per measured run" \
  bash -c "[ \$(grep -c '^sleep P=' '$tmp/loose.out') -eq 12 ]"
check "CSV: sweep_mode and sweep_run columns, strong, runs 0..5 at each p" python3 - "$tmp/loose.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = len(rows) == 12 and all(r["sweep_mode"] == "strong" for r in rows)
for p in ("1", "2"):
    ok = ok and sorted(int(r["sweep_run"]) for r in rows if r["ranks"] == p) == list(range(6))
sys.exit(0 if ok else 1)
PY

# --- a precision nothing reaches: every point runs to the cap ---------------------------------------
run tight 2 "${STEADY[@]}" --sweep 1,2 --repeat auto:7 --precision 0.0000001 --warmup 1 --json "$tmp/tight.jsonl"
check "a tiny precision: exit 0 (the cap is not an error)" [ "$(rc tight)" = 0 ]
check "a tiny precision: every point runs to the cap of 7" \
  jcheck "$tmp/tight.jsonl" 'sorted(len(w) for w in runs.values()) == [7, 7]'
check "a tiny precision: the stopping rule holds" rule "$tmp/tight.jsonl" 0.0000001 7
check "each capped point is flagged with the half-width it reached" \
  bash -c "grep -qE '^  p=1: \+-[0-9.]+% after 7 runs, not within \+-1e-05%' '$tmp/tight.out' && grep -qE '^  p=2: \+-[0-9.]+% after 7 runs, not within \+-1e-05%' '$tmp/tight.out'"
check "a warning names the capped points" has tight "warning: 2 points stopped at 7 runs short of +-1e-05%: p=1, p=2 ("
check "the warm-up ran once per point and is not written" \
  bash -c "[ \$(grep -c '^warm-up p=' '$tmp/tight.out') -eq 2 ]"

# --- three ranks, two of them sharing a core: the ranks agree on which points go on ------------------
run three 3 "${STEADY[@]}" --sweep all --repeat auto:8 --precision 5% --json "$tmp/three.jsonl" -q
check "--sweep all at 3 ranks with --repeat auto: exit 0, no hang" [ "$(rc three)" = 0 ]
check "3 ranks: the stopping rule holds at p = 1, 2, 3" rule "$tmp/three.jsonl" 0.05 8
check "3 ranks: one digest, every run verified" \
  jcheck "$tmp/three.jsonl" 'len({r["digest"] for r in rs}) == 1 and all(r["verified"] for r in rs) and sorted(runs) == [1, 2, 3]'

# --- --repeat N is unchanged --------------------------------------------------------------------
run fixed 2 "${STEADY[@]}" --sweep 1,2 --repeat 3 --json "$tmp/fixed.jsonl"
check "--repeat 3: exactly 3 runs per point" jcheck "$tmp/fixed.jsonl" 'sorted(len(w) for w in runs.values()) == [3, 3]'
check "--repeat 3: no repeats block" bash -c "! grep -q 'Repeats (--repeat auto)' '$tmp/fixed.out'"
check "--repeat 3: no half-width with fewer than 6 runs" \
  bash -c "[ \$(grep -cE '^ +[12] +1 +3 +[0-9]+ +[0-9.]+ +- ' '$tmp/fixed.out') -eq 2 ]"
run plain 2 "${STEADY[@]}" --csv "$tmp/plain.csv" -q
check "CSV outside a sweep: empty sweep_mode and sweep_run" python3 - "$tmp/plain.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sys.exit(0 if len(rows) == 1 and rows[0]["sweep_mode"] == "" and rows[0]["sweep_run"] == "" else 1)
PY

# --- refusals: exit 2, one line, nothing written -----------------------------------------------------
refuse() { # refuse ID NP EXPECTED-LINE ARGS...
  local id=$1 np=$2 want=$3; shift 3
  run "$id" "$np" "$@" --json "$tmp/$id.jsonl"
  check "refused ($*): exit 2" [ "$(rc "$id")" = 2 ]
  check "refused ($*): exactly the one line" \
    bash -c "[ \$(wc -l <'$tmp/$id.err') -eq 1 ] && [ \"\$(cat '$tmp/$id.err')\" = \"\$1\" ]" _ "$want"
  check "refused ($*): no JSON file" [ ! -e "$tmp/$id.jsonl" ]
}
refuse noauto 2 "mpiscale: --precision: '2%': only with --repeat auto (it says when to stop repeating)" \
  --repeat 5 --precision 2% --range 0:1M
refuse alone 2 "mpiscale: --precision: '1%': only with --repeat auto (it says when to stop repeating)" \
  --precision 1% --range 0:1M
refuse cap 2 "mpiscale: --repeat: 'auto:5': CAP must be an integer from 6 (the fewest runs with a 95% interval of the median) to 1000" \
  --repeat auto:5 --range 0:1M
refuse prec 2 "mpiscale: --precision: '60%': must be a percentage like 2% or a fraction like 0.02, above 0 and at most 50%" \
  --repeat auto --precision 60% --range 0:1M

cli_finish
