#!/usr/bin/env bash
# progress.sh BIN — the progress display (issue 4, point 8): rank 0 writes it to stderr only when
# stderr ends up on a terminal, or with --progress; --no-progress turns it off; into a log nothing
# extra is printed. On a terminal it is one line redrawn with "\r" and cleared ("\033[K") before
# the report; forced into a file it is plain lines: one per sweep run, at most one a second in a
# single run. The per-run lines on stdout stay as they were. A terminal is emulated with
# `script`; without it that one check is skipped, saying why. No check depends on a time.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=120

# run, rc and has: tests/cli/lib.sh
lines() { grep -c -- "$2" "$tmp/$1.err"; }
no_controls() { ! grep -q $'[\r\033]' "$tmp/$1.raw"; }

SWEEP=(--kernel sleep --param usec=2000 --range 0:4 --segments 4 --sweep 1,2 --repeat 2 --warmup 1)
# a single run of about a second (rank 0's share: 5 segments of 0.2 s): the driver reports every 0.5 s
LONG=(--kernel sleep --param usec=200000 --range 0:10 --segments 10)

# --- into a log: nothing on stderr -------------------------------------------------------------------
run log_sweep 2 "${SWEEP[@]}"
check "sweep into a log: exit 0" [ "$(rc log_sweep)" = 0 ]
check "sweep into a log: nothing on stderr" [ ! -s "$tmp/log_sweep.err" ]
check "sweep into a log: the per-run lines on stdout are still there" \
  bash -c "[ \$(grep -c '^sleep P=' '$tmp/log_sweep.out') -eq 4 ] && [ \$(grep -c '^warm-up p=' '$tmp/log_sweep.out') -eq 2 ]"
run log_single 2 "${LONG[@]}"
check "a long single run into a log: nothing on stderr" [ ! -s "$tmp/log_single.err" ]
check "a long single run into a log: the report is on stdout" grep -q '^Status: complete' "$tmp/log_single.out"

# --- --progress into a file: plain lines ------------------------------------------------------------
run forced_sweep 2 "${SWEEP[@]}" --progress
check "--progress sweep: exit 0" [ "$(rc forced_sweep)" = 0 ]
check "--progress sweep: one line per run, warm-ups included (6)" [ "$(lines forced_sweep '^run ')" = 6 ]
check "--progress sweep: the lines count up to 6/6, p and percentage" \
  bash -c "grep -qE '^run 1/6 \(warm-up\), p=1, 17%' '$tmp/forced_sweep.err' && grep -qE '^run 6/6, p=2, 100%' '$tmp/forced_sweep.err'"
check "--progress sweep: a time left once a run has been timed" grep -qE '^run 3/6, p=1, 50%, ~[0-9]+ s left$' "$tmp/forced_sweep.err"
check "--progress sweep: nothing but those lines on stderr" [ "$(wc -l <"$tmp/forced_sweep.err")" = 6 ]
check "--progress sweep: plain lines, no carriage return or escape" no_controls forced_sweep
check "--progress sweep: stdout is the same as without it" \
  bash -c "diff <(grep -c '^sleep P=' '$tmp/forced_sweep.out') <(echo 4) >/dev/null"
run forced_single 2 "${LONG[@]}" --progress
check "--progress single run: exit 0" [ "$(rc forced_single)" = 0 ]
check "--progress single run: a share of rank 0's work with a time left" \
  grep -qE "^compute: [0-9]+% of rank 0's share, ~[0-9]+ s left$" "$tmp/forced_single.err"
check "--progress single run: nothing else on stderr" \
  bash -c "! grep -vqE \"^compute: [0-9]+% of rank 0's share\" '$tmp/forced_single.err'"
check "--progress single run: plain lines" no_controls forced_single
run forced_dynamic 2 "${LONG[@]}" --schedule dynamic:1 --progress
check "--progress dynamic: the segments handed out" \
  grep -qE '^compute: [0-9]+% of the segments handed out' "$tmp/forced_dynamic.err"
run forced_off 2 "${SWEEP[@]}" --progress --no-progress
check "--progress --no-progress: the last wins, nothing on stderr" [ ! -s "$tmp/forced_off.err" ]
run forced_on 2 "${SWEEP[@]}" --no-progress --progress
check "--no-progress --progress: the last wins, lines on stderr" [ "$(lines forced_on '^run ')" = 6 ]

# rank 0 done with its share while a slower rank still works: it says so instead of a stale "~0 s"
run waiting 2 --kernel do_math --range 0:1800M --slow-rank 1:4 --progress -q
check "rank 0 waiting for a slower rank: a line says so" \
  grep -qE "^compute: rank 0's share done, waiting for the other ranks \([0-9]+ s\)$" "$tmp/waiting.err"

# --- on a terminal --------------------------------------------------------------------------------
if ! command -v script >/dev/null 2>&1 || ! script -qec true /dev/null >/dev/null 2>&1; then
  echo "# skipped: the terminal checks need util-linux 'script' to emulate a terminal, not found here"
else
  q() { printf '%q ' "$@"; }
  tty_run() { # tty_run ID NP ARGS... — the terminal's bytes into $tmp/ID.tty
    local id=$1 np=$2; shift 2
    script -qec "$(q "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@")" /dev/null >"$tmp/$id.tty" 2>&1
    echo $? >"$tmp/$id.rc"
  }
  tty_run tty_sweep 2 "${SWEEP[@]}"
  check "terminal sweep: exit 0" [ "$(rc tty_sweep)" = 0 ]
  check "terminal sweep: the line is redrawn in place (\\r ... \\033[K)" \
    grep -qaF $'\r''run 6/6, p=2, 100%' "$tmp/tty_sweep.tty"
  check "terminal sweep: each redraw clears the rest of the line" grep -qaF $'left\033[K' "$tmp/tty_sweep.tty"
  check "terminal sweep: the line is cleared before the report" \
    python3 -c "
import sys
t = open(sys.argv[1], 'rb').read()
i = t.find(b'Strong-scaling sweep')
sys.exit(0 if i > 0 and t.rfind(b'\r\x1b[K', 0, i) > t.rfind(b'run 6/6', 0, i) > 0 else 1)" "$tmp/tty_sweep.tty"
  not_glued() { # not_glued FILE — replays FILE as a terminal draws it; no screen line may hold
    python3 - "$1" <<'PY' # progress text and a stdout line together
import re, sys
# what the terminal shows: \r returns to the line's start, ESC [ K clears to its end
screen, line, col = [], [], 0
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
i = 0
while i < len(data):
    c = data[i]
    if data.startswith("\x1b[K", i):
        del line[col:]
        i += 3
        continue
    if c == "\r":
        col = 0
    elif c == "\n":
        screen.append("".join(line))
        line, col = [], 0
    else:
        line[col:col + 1] = [c]
        col += 1
    i += 1
screen.append("".join(line))
bad = [l for l in screen if re.search(r"run \d+/6", l) and re.search(r"sleep P=|Strong|warm-up p=", l)]
for l in bad:
    print("# glued: " + l)
sys.exit(1 if bad else 0)
PY
  }
  check "terminal sweep: on screen, no progress text shares a line with stdout's" not_glued "$tmp/tty_sweep.tty"
  # stdout through a pipe (| tee log) reaches the screen whenever the reader passes it on: the
  # progress must not be redrawn in place then, or stdout's lines land glued to it
  script -qec "$(q "$MSC_MPI_RUN" 2 "$LIMIT" "$BIN" "${SWEEP[@]}") | cat" /dev/null >"$tmp/tty_pipe.tty" 2>&1
  check "terminal, stdout through a pipe: progress shown" grep -qa 'run 6/6' "$tmp/tty_pipe.tty"
  check "terminal, stdout through a pipe: nothing glued on screen" not_glued "$tmp/tty_pipe.tty"
  tty_run tty_single 2 "${LONG[@]}"
  check "terminal single run: a live percentage of rank 0's share" \
    grep -qaE $'\r'"compute: [0-9]+% of rank 0's share" "$tmp/tty_single.tty"
  tty_run tty_off 2 "${SWEEP[@]}" --no-progress
  check "terminal with --no-progress: no progress" bash -c "! grep -qa 'run 1/6' '$tmp/tty_off.tty'"
  # on a terminal, but stderr sent to a file: that file is a log and stays clean
  script -qec "$(q "$MSC_MPI_RUN" 2 "$LIMIT" "$BIN" "${SWEEP[@]}") 2>$(q "$tmp/tty_log.err")" /dev/null >"$tmp/tty_log.tty" 2>&1
  check "terminal, stderr into a file: nothing written to it" bash -c "! grep -q 'run ' '$tmp/tty_log.err'"
  check "terminal, stderr into a file: stdout keeps no escape codes either" \
    bash -c "! grep -qaF $'\033[K' '$tmp/tty_log.tty'"
fi

cli_finish
