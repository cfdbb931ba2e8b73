#!/usr/bin/env bash
# pbs_like.sh BUILD_DIR — the PBS job scripts (jobs/pbs/) run the way PBS runs them, without a
# PBS server (Debian ships none): bash runs the script in another directory, with the variables
# PBS Pro and Torque set for a job (PBS_JOBID, PBS_O_WORKDIR, PBS_NODEFILE with one line per rank
# slot, PBS_NP, PBS_ENVIRONMENT, PBS_WALLTIME as Torque gives it). Checks the single run and the
# strong-scaling study complete with their outputs, that SIGTERM (what PBS sends at the
# walltime) stops the run with 75 and a rerun resumes to the digest of an uninterrupted run, and
# that the walltime alone makes the run stop and save before it.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
build=${1:?usage: pbs_like.sh BUILD_DIR}
build=$(cd "$build" && pwd -P)
# shellcheck source=tests/cli/lib.sh
. "$here/../cli/lib.sh" # ok, notok, check, status_field, jsonl
passed=0 failed=0
show() { [ -f "$1" ] && sed 's/^/#   /' "$1" | tail -n 25; }

tmp=$(mktemp -d /tmp/msc-pbs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/jobdir"
cp "$build/mpiscale" "$build/mpiscale-report" "$build/mpiscale-job.sh" "$tmp/bin/"
host=$(hostname)
for _ in 1 2 3 4; do echo "$host"; done >"$tmp/nodefile"
[ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# pbs_job ID SCRIPT [VAR=VALUE...] — runs SCRIPT as PBS would for job ID.server (from /, so the
# script's own cd "$PBS_O_WORKDIR" is what puts it in the work directory), in the background;
# its output in $tmp/jobdir/ID.log, its PID in $job.
pbs_job() {
  local id=$1 script=$2
  shift 2
  (cd / && exec env PATH="$tmp/bin:$PATH" PBS_JOBID="$id.server" PBS_O_WORKDIR="$tmp/jobdir" \
     PBS_NODEFILE="$tmp/nodefile" PBS_NP=4 PBS_ENVIRONMENT=PBS_BATCH PBS_JOBNAME=mpiscale \
     "$@" bash "$repo/jobs/pbs/$script") >"$tmp/jobdir/$id.log" 2>&1 &
  job=$!
}
finish() { # finish SECONDS — waits for $job (killing it after SECONDS); its exit code in $RC
  local i
  for ((i = 0; i < $1 * 10; i++)); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$job" 2>/dev/null && { echo "# job $job still running after $1 s: killed"; kill -KILL "$job"; }
  wait "$job"
  RC=$?
}
wait_lines() {
  for ((i = 0; i < $3 * 10; i++)); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

SINGLE="--kernel do_math --range 0:600M --segments 256"
LONG="--kernel sleep --param usec=400 --range 0:40000 --segments 400"
ref_of() {
  # shellcheck disable=SC2086 # a list of options
  bash "$repo/tests/mpi_run.sh" 2 120 "$tmp/bin/mpiscale" -q $1 | sed -n 's/.* digest=\([0-9a-f]*\) .*/\1/p'
}
SINGLE_REF=$(ref_of "$SINGLE")
LONG_REF=$(ref_of "$LONG")
check "reference digests of uninterrupted runs ($SINGLE_REF, $LONG_REF)" test -n "$SINGLE_REF" -a -n "$LONG_REF"

# --- single.pbs --------------------------------------------------------------------------------
pbs_job 101 single.pbs MSC_ARGS="$SINGLE"
finish 120
w=$tmp/jobdir
check "single.pbs: exit 0 ($RC)" test "$RC" = 0 || show "$w/101.log"
check "single.pbs: ran in PBS_O_WORKDIR: single/ there, status complete, the reference digest" \
  test "$(status_field "$w/single/run.status" state)" = complete -a "$(status_field "$w/single/run.status" digest)" = "$SINGLE_REF"
check "single.pbs: 4 ranks from PBS_NODEFILE, given to mpiexec as a hostfile" \
  bash -c "grep -qx '$host slots=4' '$w/single/hosts' && grep -q 'command: mpiexec -np 4 --hostfile single/hosts' '$w/101.log'"
check "single.pbs: the log header names the PBS job and its node" \
  bash -c "grep -q 'single: job 101.server (pbs)' '$w/101.log' && grep -q 'nodes: 1 ($host); ranks: 4' '$w/101.log'"
check "single.pbs: one JSON record at 4 ranks; the report says PASS" \
  bash -c "python3 -c 'import json,sys; rs=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(not (len(rs)==1 and rs[0][\"ranks\"]==4))' '$w/single/run.jsonl' && grep -q '^Verification: PASS' '$w/single/run.report'"

# --- strong.pbs --------------------------------------------------------------------------------
pbs_job 102 strong.pbs MSC_ARGS="--kernel pi --range 0:4M"
finish 240
o=$w/strong-102
check "strong.pbs: exit 0 ($RC)" test "$RC" = 0 || show "$w/102.log"
check "strong.pbs: study.jsonl has p = 1, 2, 4, verified" \
  jsonl "$o/study.jsonl" "sorted({r['ranks'] for r in rs}) == [1, 2, 4] and all(r['verified'] for r in rs)"
check "strong.pbs: the sweep's report, the analysis, CSV, Markdown, 3 PNG plots, HTML" \
  bash -c "grep -q '^Strong-scaling sweep, 3 points' '$o/study.report' && grep -q '^Amdahl: ' '$o/study.txt' && [ -s '$o/study.csv' ] && [ -s '$o/study.md' ] && [ \$(ls '$o'/plots/*.png | wc -l) -eq 3 ] && [ -s '$o/study.html' ]"

# --- SIGTERM to the job (PBS at the walltime, qdel, qsig), then the job run again ----------------
rm -rf "$w/single"
pbs_job 103 single.pbs MSC_ARGS="$LONG"
wait_lines "$w/single/run.journal" 40 60 && kill -TERM "$job"
finish 60
held=$(grep -c '^seg=' "$w/single/run.journal" 2>/dev/null)
check "SIGTERM: exit 75 ($RC), status interrupted, $held segments saved and the rest remaining" \
  test "$RC" = 75 -a "$(status_field "$w/single/run.status" state)" = interrupted -a \
  "$(status_field "$w/single/run.status" segments_remaining)" = $((400 - held)) || show "$w/103.log"
pbs_job 104 single.pbs MSC_ARGS="$LONG"
finish 120
check "rerun: exit 0 ($RC), $held segments reused, the uninterrupted digest" \
  test "$RC" = 0 -a "$(status_field "$w/single/run.status" segments_reused)" = "$held" -a \
  "$(status_field "$w/single/run.status" digest)" = "$LONG_REF" || show "$w/104.log"

# --- the walltime (Torque's PBS_WALLTIME, seconds): the run stops a margin before it, saved -----
rm -rf "$w/single"
pbs_job 105 single.pbs MSC_ARGS="$LONG" PBS_WALLTIME=63
finish 60
check "walltime 63 s (margin 60 s): stopped by the deadline with 75 ($RC), resumable" \
  bash -c "[ '$RC' = 75 ] && [ '$(status_field "$w/single/run.status" state)' = interrupted ] && [ '$(status_field "$w/single/run.status" deadline)' = true ] && grep -q -- '--deadline' '$w/105.log'" ||
  show "$w/105.log"

echo "# PBS job scripts (PBS-like environment): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
