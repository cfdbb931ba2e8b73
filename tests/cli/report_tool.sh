#!/usr/bin/env bash
# report_tool.sh BIN — mpiscale-report end to end (issue 4): the JSON Lines of separate runs (one
# job per rank count) and of a weak sweep turned into the text report, CSV, Markdown, Extra-P input,
# PNG and SVG plots and the HTML page; every file is parsed back or checked as an image of the
# expected size, and the page is rendered in headless Chromium, whose screenshot must show the plots'
# colours, which a screenshot of the same page without its images must not. Then the refusals:
# malformed lines named by file:line, incompatible runs, missing gnuplot, bad options.
# Needs $MSC_REPORT (mpiscale-report), $MSC_PNG_PROBE (msc_png_probe) and $MSC_MPI_RUN.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${MSC_REPORT:?set MSC_REPORT to the mpiscale-report binary}"
: "${MSC_PNG_PROBE:?set MSC_PNG_PROBE to the msc_png_probe binary}"
LIMIT=120
K=(--kernel amdahl --param serial=0.3 --range 0:4000000)

mpi() { # mpi ID NP ARGS... — an mpiscale run; exit code into $tmp/ID.rc
  local id=$1 np=$2; shift 2
  "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@" >"$tmp/$id.out" 2>"$tmp/$id.raw"
  echo $? >"$tmp/$id.rc"
}
rep() { # rep ID ARGS... — an mpiscale-report run: stdout, stderr and exit code into $tmp/ID.*
  local id=$1; shift
  (cd "$tmp" && timeout 300 "$MSC_REPORT" "$@") >"$tmp/$id.out" 2>"$tmp/$id.err"
  echo $? >"$tmp/$id.rc"
}
err_has() { grep -qF -- "$2" "$tmp/$1.err"; }
py() { python3 -c "$@"; }

# --- the inputs: two separate jobs (p = 1, p = 2) and a weak sweep -----------------------------
mpi p1 1 "${K[@]}" --repeat 3 --json "$tmp/job-p1.jsonl"
mpi p2 2 "${K[@]}" --repeat 3 --json "$tmp/job-p2.jsonl"
mpi weak 2 "${K[@]}" --weak --sweep 1,2 --repeat 2 --json "$tmp/weak.jsonl"
check "the input runs succeeded" [ "$(cat "$tmp/p1.rc" "$tmp/p2.rc" "$tmp/weak.rc" | tr -d '\n')" = 000 ]
records=$(cat "$tmp"/job-p1.jsonl "$tmp"/job-p2.jsonl "$tmp"/weak.jsonl | wc -l)
check "they wrote 3 + 3 + 4 records" [ "$records" = 10 ]

# --- every output --------------------------------------------------------------------------------
rep all job-p1.jsonl job-p2.jsonl weak.jsonl --csv t.csv --markdown t.md --extrap extrap.jsonl \
  --plots plots/ --html page.html --target-speedup 1.5
check "mpiscale-report: exit 0" [ "$(rc all)" = 0 ]
check "nothing on stderr" [ ! -s "$tmp/all.err" ]
check "two studies: strong and weak" \
  bash -c "grep -qF '== Study 1 of 2: amdahl serial=0.3, [0, 4000000), strong ==' '$tmp/all.out' &&
           grep -qF '== Study 2 of 2: amdahl serial=0.3, [0, 4000000), weak ==' '$tmp/all.out'"
check "the strong study counts its 6 runs from 2 files" has all "6 runs from 2 files (first at job-p1.jsonl:1)"
check "the strong study's T1 is measured at p = 1" \
  bash -c "grep -qE '^T1 = [0-9.]+ s, measured: the median job time at p = 1$' '$tmp/all.out'"
# the weak study's report is the in-launch sweep's own, line for line (the same code, the same runs)
sed -n '/^Weak-scaling sweep/,$p' "$tmp/weak.out" >"$tmp/weak.sweep"
rep weakonly weak.jsonl
sed -n '/^Weak-scaling sweep/,$p' "$tmp/weakonly.out" >"$tmp/weak.report"
check "mpiscale-report prints the weak sweep's table and fits exactly as the sweep did ($(wc -l <"$tmp/weak.sweep") lines)" \
  bash -c "[ -s '$tmp/weak.sweep' ] && cmp -s '$tmp/weak.sweep' '$tmp/weak.report'"
[ -s "$tmp/weak.sweep" ] && ! cmp -s "$tmp/weak.sweep" "$tmp/weak.report" && diff "$tmp/weak.sweep" "$tmp/weak.report" | sed 's/^/# /'

check "Amdahl is fitted (or refused with a reason)" \
  bash -c "grep -qE '^Amdahl: (serial fraction f = |not fitted: )' '$tmp/all.out'"
check "the weak study has its Gustafson line" bash -c "grep -qE '^Gustafson: ' '$tmp/all.out'"
check "the planner answers --target-speedup" \
  bash -c "grep -qE 'speedup 1.5 needs p = |Amdahl: not fitted' '$tmp/all.out'"

# CSV: parsed back as CSV, one row per study and p, numbers where numbers belong
tally "$(py '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def t(c, m): print(("ok - " if c else "not ok - ") + m)
t(len(rows) == 4, "CSV: 4 rows (2 studies x 2 rank counts), got %d" % len(rows))
t(sorted((r["mode"], int(r["p"])) for r in rows) == [("strong", 1), ("strong", 2), ("weak", 1), ("weak", 2)],
  "CSV: the rows are strong p=1,2 and weak p=1,2")
ok = all(float(r["wall_median_s"]) > 0 and float(r["speedup"]) > 0 and int(r["runs"]) in (2, 3) for r in rows)
t(ok, "CSV: medians, speedups and run counts parse back")
t(all(r["params"] == "{\"serial\":0.29999999999999999}" for r in rows), "CSV: the quoted params field parses back")
# the figures, recomputed from the records themselves: medians, T1 (median at p = 1), speedups
import statistics
recs = [json.loads(l) for f in sys.argv[2:] for l in open(f)]
for r in rows:
    mode, p = r["mode"], int(r["p"])
    walls = [x["wall_s"] for x in recs if x["ranks"] == p and (x["sweep"] or {}).get("mode", "strong") == mode]
    t1 = statistics.median(x["wall_s"] for x in recs if x["ranks"] == 1 and (x["sweep"] or {}).get("mode", "strong") == mode)
    med = statistics.median(walls)
    s = t1 / med * (p if mode == "weak" else 1)
    t(abs(float(r["wall_median_s"]) - med) <= 1e-9 * med and abs(float(r["speedup"]) - s) <= 1e-6 * s
      and int(r["runs"]) == len(walls),
      "CSV %s p=%d: median %.6f s, speedup %.4f and %d runs, as recomputed from the records" % (mode, p, med, s, len(walls)))
' "$tmp/t.csv" "$tmp/job-p1.jsonl" "$tmp/job-p2.jsonl" "$tmp/weak.jsonl" 2>&1)"

# Extra-P: one JSON object per run with params.p, a call path per study and the time metric
tally "$(py '
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
def t(c, m): print(("ok - " if c else "not ok - ") + m)
t(len(ls) == 10, "Extra-P: one line per run (10), got %d" % len(ls))
t(all(set(l) == {"params", "callpath", "metric", "value"} and l["metric"] == "time" and l["value"] > 0
      and set(l["params"]) == {"p"} for l in ls), "Extra-P: every line has params.p, callpath, metric time, value")
t(len({l["callpath"] for l in ls}) == 2, "Extra-P: one call path per study")
' "$tmp/extrap.jsonl" 2>&1)"

check "Markdown: a heading and a 2-row table per study" \
  bash -c "[ \$(grep -c '^### amdahl' '$tmp/t.md') = 2 ] && [ \$(grep -cE '^\| [12] \| ' '$tmp/t.md') = 4 ]"

# plots: 3 kinds x PNG + SVG per study, PNGs of the advertised size, SVGs well-formed of that size
n_png=$(ls "$tmp"/plots/*.png 2>/dev/null | wc -l)
n_svg=$(ls "$tmp"/plots/*.svg 2>/dev/null | wc -l)
check "plots: 6 PNG and 6 SVG files" [ "$n_png.$n_svg" = 6.6 ]
for f in "$tmp"/plots/*.png; do
  [ -e "$f" ] || continue
  size=$("$MSC_PNG_PROBE" "$f" | head -1)
  check "$(basename "$f"): a valid 800x500 PNG (probe: $size)" [ "$size" = "800 500" ]
done
for f in "$tmp"/plots/*.svg; do
  [ -e "$f" ] || continue
  wh=$(xmllint --xpath 'concat(string(/*[local-name()="svg"]/@width), "x", string(/*[local-name()="svg"]/@height))' "$f" 2>&1)
  check "$(basename "$f"): well-formed SVG, $wh" [ "$wh" = 800x500 ]
done
grep -q '^Amdahl: serial fraction' "$tmp/all.out" &&
check "the speedup plot draws the fitted Amdahl curve" \
  grep -qE 'rgb\(213, *94, *0\)' "$tmp/plots/amdahl-serial-0.3-0-4000000-strong-speedup.svg"

# the HTML page: self-contained, and rendered by Chromium with its plots visible
check "HTML: written" [ -s "$tmp/page.html" ]
check "HTML: no external resource (src/href to http)" \
  bash -c "! grep -qiE '(src|href)=\"https?:' '$tmp/page.html'"
check "HTML: the six plots inline" [ "$(grep -o 'data:image/svg+xml;base64,' "$tmp/page.html" | wc -l)" = 6 ]
sed -E 's/<img[^>]*>//g' "$tmp/page.html" >"$tmp/noplots.html"
bash "$here/chromium_shot.sh" "$tmp/page.html" "$tmp/page.png" 1000x4000 >"$tmp/shot.log" 2>&1
shot=$?
bash "$here/chromium_shot.sh" "$tmp/noplots.html" "$tmp/noplots.png" 1000x4000 >>"$tmp/shot.log" 2>&1
shot=$((shot + $?))
check "headless Chromium rendered both pages" [ "$shot" = 0 ]
[ "$shot" = 0 ] || sed 's/^/# /' "$tmp/shot.log"
if [ "$shot" = 0 ]; then
  # colours: measured 0072B2, Amdahl D55E00, USL 009E73
  read -r -a with < <("$MSC_PNG_PROBE" "$tmp/page.png" 0072B2 D55E00 | tr '\n' ' ')
  read -r -a without < <("$MSC_PNG_PROBE" "$tmp/noplots.png" 0072B2 D55E00 | tr '\n' ' ')
  echo "# screenshot ${with[0]}x${with[1]}: plot blue ${with[2]} px, Amdahl ${with[3]} px;" \
    "without images: ${without[2]} px, ${without[3]} px"
  check "the screenshot shows the plots' measured-data colour (>= 500 px)" [ "${with[2]}" -ge 500 ]
  if grep -qE '^(Amdahl|Gustafson): serial fraction' "$tmp/all.out"; then # a fit was made: its curve
    check "the screenshot shows the fitted-model colour (>= 500 px)" [ "${with[3]}" -ge 500 ]
  fi
  check "the same page without its images shows neither (< 50 px)" \
    bash -c "[ '${without[2]}' -lt 50 ] && [ '${without[3]}' -lt 50 ]"
fi

# --- outputs are written whole: an unwritable one fails alone with exit 3 -------------------------
rep nodir job-p1.jsonl job-p2.jsonl --csv no/such/dir/t.csv --markdown ok.md
check "an unwritable --csv: exit 3" [ "$(rc nodir)" = 3 ]
check "it says which output and why" err_has nodir "mpiscale-report: --csv: 'no/such/dir/t.csv': No such file or directory"
check "the other outputs are still written" [ -s "$tmp/ok.md" ]
check "no temporary file is left behind by any write" bash -c "! ls -R '$tmp' | grep -q '\.tmp\.'"

# '-' is stdout; a symbolic link is written through (the link stays a link)
rep dash job-p1.jsonl --quiet --csv -
check "--csv -: the CSV on stdout" bash -c "head -1 '$tmp/dash.out' | grep -q '^study,kernel,params,'"
mkdir -p "$tmp/shared" && : >"$tmp/shared/real.md" && ln -s shared/real.md "$tmp/link.md"
rep link job-p1.jsonl --quiet --markdown link.md
check "--markdown through a symlink: the link stays, its target is written" \
  bash -c "[ -L '$tmp/link.md' ] && grep -q '^### amdahl' '$tmp/shared/real.md'"

# a run given twice (the same records in two files) is refused, naming both places
cp "$tmp/job-p1.jsonl" "$tmp/copy.jsonl"
rep dup job-p1.jsonl copy.jsonl
check "the same runs in two files: exit 2" [ "$(rc dup)" = 2 ]
check "it names both places" err_has dup "copy.jsonl:1: the same run as job-p1.jsonl:1"

# nothing to analyse: exit 2, no output
python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); r['verified'] = False; r['status'] = 'verification_failed'; print(json.dumps(r))
" "$tmp/job-p1.jsonl" >"$tmp/failed.jsonl"
rep failed failed.jsonl --csv failed.csv
check "only failed runs: exit 2, says why, writes nothing" \
  bash -c "[ \$(cat '$tmp/failed.rc') = 2 ] && grep -qF 'every run was left out' '$tmp/failed.out' && [ ! -e '$tmp/failed.csv' ]"

# --- malformed lines: named by file and line; --skip-malformed analyses the rest ----------------
{ head -2 "$tmp/job-p1.jsonl"; echo '{"schema": 2, "kernel": "amdahl"'; head -c 100 "$tmp/job-p1.jsonl"; echo; } \
  >"$tmp/bad.jsonl"
rep bad bad.jsonl
check "malformed lines: exit 2" [ "$(rc bad)" = 2 ]
check "line 3 is named, with the reason" err_has bad "mpiscale-report: bad.jsonl:3: not valid JSON:"
check "line 4 is named too" err_has bad "mpiscale-report: bad.jsonl:4: not valid JSON:"
check "then what to do" err_has bad "2 lines above are not run records: fix or remove them, or pass --skip-malformed"
check "no report on stdout" [ ! -s "$tmp/bad.out" ]
{ printf '\xEF\xBB\xBF'; cat "$tmp/job-p1.jsonl"; } >"$tmp/bom.jsonl"
rep bom bom.jsonl
check "a UTF-8 byte-order mark before the first record is accepted" \
  bash -c "[ \$(cat '$tmp/bom.rc') = 0 ] && grep -qF '3 runs from 1 file' '$tmp/bom.out'"
printf '{"schema": 2, "kernel": "\x1b[31mred\n' >"$tmp/esc.jsonl"
rep esc esc.jsonl
check "a damaged line's bytes are not echoed as terminal controls" \
  bash -c "grep -qF 'esc.jsonl:1: not valid JSON' '$tmp/esc.err' && ! grep -q \$'\x1b' '$tmp/esc.err'"
rep skip bad.jsonl --skip-malformed
check "--skip-malformed: exit 0" [ "$(rc skip)" = 0 ]
check "--skip-malformed: the 2 good runs are analysed" has skip "2 runs from 1 file"
check "--skip-malformed: the report says lines were left out" has skip "2 malformed lines left out"

# --- incompatible runs: refused, saying what differs --------------------------------------------
mpi seg 2 "${K[@]}" --segments 512 --json "$tmp/seg.jsonl"
rep mix job-p1.jsonl seg.jsonl
check "runs with another segment count: exit 2" [ "$(rc mix)" = 2 ]
check "the message names both values and where they came from" \
  err_has mix "seg.jsonl:1: cannot join the study \"amdahl serial=0.3, [0, 4000000), strong\": its runs differ in segments: 1024 at job-p1.jsonl:1, 512 here"

# --- no gnuplot: the plots fail with the package to install, the text report still comes ---------
MSC_GNUPLOT=/nonexistent/gnuplot rep nognu job-p1.jsonl --plots np/
check "gnuplot missing: exit 3" [ "$(rc nognu)" = 3 ]
check "it names the package to install" err_has nognu "gnuplot-nox"
check "the text report is still printed" has nognu "== Study 1 of 1"

# --- options and inputs ------------------------------------------------------------------------
rep none
check "no input file: exit 2 with the reason" \
  bash -c "[ \$(cat '$tmp/none.rc') = 2 ] && grep -qF 'no input file' '$tmp/none.err'"
rep missing nosuch.jsonl
check "a missing file: exit 2 naming it" \
  bash -c "[ \$(cat '$tmp/missing.rc') = 2 ] && grep -qF \"'nosuch.jsonl': No such file or directory\" '$tmp/missing.err'"
rep twice job-p1.jsonl ./job-p1.jsonl
check "the same file twice is refused (its runs would count twice)" \
  bash -c "[ \$(cat '$tmp/twice.rc') = 2 ] && grep -qF 'is given twice' '$tmp/twice.err'"
rep clobber job-p1.jsonl --csv job-p1.jsonl
check "an output that is an input is refused" \
  bash -c "[ \$(cat '$tmp/clobber.rc') = 2 ] && grep -qF 'is an input file' '$tmp/clobber.err'"
rep target job-p1.jsonl --target-speedup 1
check "--target-speedup 1 is refused" \
  bash -c "[ \$(cat '$tmp/target.rc') = 2 ] && grep -qF -e \"--target-speedup: '1': must be greater than 1\" '$tmp/target.err'"
rep empty /dev/null
check "an empty input: exit 2, no record" \
  bash -c "[ \$(cat '$tmp/empty.rc') = 2 ] && grep -qF 'no run record in the input' '$tmp/empty.err'"
rep stdin - <"$tmp/job-p2.jsonl"
check "'-' reads standard input" bash -c "[ \$(cat '$tmp/stdin.rc') = 0 ] && grep -qF '3 runs from 1 file' '$tmp/stdin.out'"
rep help --help
check "--help: exit 0, documents every output" \
  bash -c "[ \$(cat '$tmp/help.rc') = 0 ] && grep -qF -- '--html FILE' '$tmp/help.out' && grep -qF -- '--extrap FILE' '$tmp/help.out'"

cli_finish
