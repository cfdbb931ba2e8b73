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
#   launcher.log  mpirun's and mpiscale's standard error (also shown on this script's stderr)
# Exits with the verdict's code: 0 complete, 75 interrupted (run again to resume), 2 invalid input,
# 3 output error, 4 verification failed, other codes for failures (see run.status's message).
#
# What it guards against:
#   - a stop request (SIGUSR1 or SIGTERM to this script, as a scheduler sends before its time
#     limit; Ctrl-C): forwarded to mpirun as SIGUSR1, which Open MPI passes to every rank; the
#     ranks stop at a segment boundary, save what they finished and exit with 75;
#   - the time limit MSC_TIME_LIMIT (seconds, or 30m, 2h, HH:MM:SS): mpiscale gets its end as
#     --deadline and stops early enough to save; mpirun gets --timeout 30 s later (at least
#     60 s) in case a rank hangs;
#   - a mpirun that does not exit after the run is over (Open MPI 4.1 sometimes hangs in its
#     teardown after a failure): the watchdog ends it MSC_WATCHDOG_S seconds (default 30) after
#     the status file says the run has ended;
#   - a run killed outright (SIGKILL, a node lost, the OOM killer): mpiscale never wrote its
#     verdict, so `mpiscale-report --settle` writes it from what the journal holds and what mpirun
#     said about the rank that died.
#
# Environment: MSC_NP (ranks; default nproc), MSC_WORKDIR, MSC_TIME_LIMIT, MSC_WATCHDOG_S,
# MSC_MPIRUN_ARGS (more mpirun options, e.g. --oversubscribe), and for tests MSC_BIN /
# MSC_REPORT_BIN (the two programs; default: the build/ of this checkout, built by setup.sh;
# an installed copy of this script uses mpiscale on PATH).
# The launch, the traps, the watchdog and the verdict are jobs/lib/mpiscale-job.sh's, as in the
# Slurm and PBS scripts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=jobs/lib/mpiscale-job.sh
. "$here/../lib/mpiscale-job.sh"
msc_job_local_programs "$here" # a checkout: built here; installed: mpiscale on PATH

msc_job_begin resumable
out=${MSC_WORKDIR:-.}
msc_job_run "$out" --checkpoint "$out/run.journal" --json "$out/run.jsonl" \
  --report "$out/run.report" --force "$@"
msc_job_end
