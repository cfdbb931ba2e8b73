#!/usr/bin/env bash
# resumable.sh — a long job that survives being stopped: the pattern of a batch job script, on a
# workstation. Run it again after any interruption and it resumes where the last run stopped.
#
#   MSC_NP=4 MSC_TIME_LIMIT=2h ./jobs/local/resumable.sh --kernel primes --range 0:2G
#
# Writes into MSC_WORKDIR (default: the current directory):
#   run.journal   the checkpoint: every completed segment (kept; delete it or pass --fresh to start over)
#   run.status    the verdict: complete, interrupted (resumable), failed or invalid-input
#   run.jsonl     one JSON record per completed run (appended)
#   run.report    the text report of the last completed run (replaced)
#   mpirun.log    mpirun's and mpiscale's standard error
# Exits with the verdict's code: 0 complete, 75 interrupted (run again to resume), 2 invalid input,
# 3 output error, 4 verification failed, other codes for failures (see run.status's message).
#
# What it guards against:
#   - a stop request (SIGUSR1 or SIGTERM to this script, as a scheduler sends before its time
#     limit; Ctrl-C): forwarded to mpirun as SIGUSR1, which Open MPI passes to every rank; the
#     ranks stop at a segment boundary, save what they finished and exit with 75;
#   - the time limit MSC_TIME_LIMIT (seconds, or 30m, 2h, HH:MM:SS): mpiscale gets it as
#     --time-limit and stops early enough to save; mpirun gets --timeout a minute later (or
#     after 10% more for short limits) in case a rank hangs;
#   - a mpirun that does not exit after the run is over (Open MPI 4.1 sometimes hangs in its
#     teardown after a failure): the watchdog ends it MSC_WATCHDOG_S seconds (default 30) after
#     the status file says the run has ended;
#   - a run killed outright (SIGKILL, a node lost, the OOM killer): mpiscale never wrote its
#     verdict, so `mpiscale-report --settle` writes it from what the journal holds and what mpirun
#     said about the rank that died.
#
# Environment: MSC_NP (ranks; default nproc), MSC_WORKDIR, MSC_TIME_LIMIT, MSC_WATCHDOG_S,
# MSC_MPIRUN_ARGS (more mpirun options, e.g. --oversubscribe), and for tests MSC_BIN /
# MSC_REPORT_BIN (the two programs; default: the build/ of this repository, built by setup.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
if [ -z "${MSC_BIN:-}" ]; then
  # shellcheck source=jobs/local/setup.sh
  . "$here/setup.sh"
  MSC_BIN="$MSC_ROOT/build/mpiscale"
  MSC_REPORT_BIN="$MSC_ROOT/build/mpiscale-report"
fi
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

np="${MSC_NP:-$(nproc)}"
dir="${MSC_WORKDIR:-.}"
watchdog_s="${MSC_WATCHDOG_S:-30}"
mkdir -p "$dir"
journal="$dir/run.journal" status="$dir/run.status" log="$dir/mpirun.log"

# The time limit in whole seconds, for mpirun's --timeout (mpiscale parses every form itself).
limit_s=""
if [ -n "${MSC_TIME_LIMIT:-}" ]; then
  limit_s=$(python3 - "$MSC_TIME_LIMIT" <<'EOF'
import re, sys
t = sys.argv[1]
m = re.fullmatch(r'(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)', t)
if m:
    d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    print(int(d * 86400 + h * 3600 + mi * 60 + s))
else:
    m = re.fullmatch(r'(\d+(?:\.\d*)?)([smh]?)', t)
    if not m:
        sys.exit("MSC_TIME_LIMIT: '%s': seconds, 30m, 2h or HH:MM:SS" % t)
    print(int(float(m.group(1)) * {'': 1, 's': 1, 'm': 60, 'h': 3600}[m.group(2)]))
EOF
)
fi

args=(--checkpoint "$journal" --status "$status" --json "$dir/run.jsonl" --report "$dir/run.report"
      --force)
mpirun_args=(-np "$np" --mca pml ob1)
if [ -n "$limit_s" ]; then
  args+=(--time-limit "$limit_s")
  grace=$(( limit_s / 10 > 60 ? 60 : (limit_s / 10 < 5 ? 5 : limit_s / 10) ))
  mpirun_args+=(--timeout "$(( limit_s + grace ))")
fi
# shellcheck disable=SC2206 # MSC_MPIRUN_ARGS is a list of words on purpose
mpirun_args+=(${MSC_MPIRUN_ARGS:-})

echo "mpiscale job: $(date -u +%FT%TZ) on $(hostname), $np ranks, in $dir"
echo "mpiscale job: mpirun ${mpirun_args[*]} $MSC_BIN ${args[*]} $*"

# mpirun runs in the background so that this shell's traps run while it works (a foreground
# child would hold them until it exits).
mpirun "${mpirun_args[@]}" "$MSC_BIN" "${args[@]}" "$@" </dev/null 2>"$log" &
pid=$!
stop() {
  echo "mpiscale job: $1: asking the ranks to stop and save (SIGUSR1 through mpirun)"
  kill -USR1 "$pid" 2>/dev/null || true
}
trap 'stop SIGUSR1' USR1
trap 'stop SIGTERM' TERM
trap 'stop SIGINT' INT

# The watchdog: once the status file holds a final state, mpirun has watchdog_s seconds to exit.
(
  ended=""
  while kill -0 "$pid" 2>/dev/null; do
    if [ -z "$ended" ] && [ -f "$status" ] &&
       grep -qE '"state": "(complete|interrupted|failed|invalid-input)"' "$status"; then
      ended=$SECONDS
    fi
    if [ -n "$ended" ] && [ $(( SECONDS - ended )) -ge "$watchdog_s" ]; then
      echo "mpiscale job: watchdog: mpirun still running ${watchdog_s} s after the run ended; ending it"
      kill -TERM "$pid" 2>/dev/null || true
      sleep 5
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
) &
watchdog=$!

# `wait` returns early (status > 128) whenever a trapped signal arrives: wait again until mpirun
# itself has ended, then take its exit code.
rc=0
while :; do
  wait "$pid" && rc=0 || rc=$?
  kill -0 "$pid" 2>/dev/null || break
done
kill "$watchdog" 2>/dev/null || true
wait "$watchdog" 2>/dev/null || true
# Ranks can outlive a mpirun that was killed outright by a second or two, still appending to the
# journal: the verdict waits for them (at most 30 s).
for _ in $(seq 300); do
  pgrep -f -- "--checkpoint $journal" >/dev/null || break
  sleep 0.1
done

# The verdict comes from the status file, never from mpirun's exit code alone.
verdict=0
"$MSC_REPORT_BIN" --settle "$status" --launcher-exit "$rc" --launcher-log "$log" || verdict=$?
echo "mpiscale job: mpirun exited with $rc; verdict exit code $verdict"
exit "$verdict"
