#!/usr/bin/env bash
# sweep.sh — a scaling study on a machine without a scheduler: one launch per rank count (each
# `mpirun -np P` starts afresh, as separate batch jobs would), every run appended to one JSON
# Lines file, then mpiscale-report's table, fits, plots and HTML page.
#
#   ./jobs/local/sweep.sh                                  do_math on 1, 2, 4, ... up to nproc ranks
#   MSC_SWEEP="1 2 3 4" ./jobs/local/sweep.sh --kernel primes --range 0:5M --schedule dynamic
#
# Arguments are mpiscale options (what to run, plus e.g. --repeat 5 or --weak); the default is
# --kernel do_math --range 0:2G --repeat 3. In-launch alternative: `mpirun -np P mpiscale --sweep`.
# Environment:
#   MSC_SWEEP       the rank counts (default: 1 2 4 ... up to nproc, and nproc itself)
#   MSC_WORKDIR     where to write (default sweep-YYYYmmdd-HHMMSS/): study.jsonl, pP/ (each
#                   point's status, report, launcher log), study.txt, study.csv, study.md,
#                   plots/ and study.html (plots need gnuplot)
#   MSC_MPIRUN_ARGS more mpirun options (--oversubscribe for more ranks than cores)
#   MSC_BIN, MSC_REPORT_BIN  the programs (default: this checkout's build/, built by setup.sh;
#                   installed copies of this script use mpiscale on PATH)
# Exits 0 when every point completed and the analysis was written, else with the first
# failing point's verdict (75: interrupted by a signal; run it again into the same MSC_WORKDIR
# and the finished points are kept as runs of the study).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=jobs/lib/mpiscale-job.sh
. "$here/../lib/mpiscale-job.sh"
msc_job_local_programs "$here" # a checkout: built here; installed: mpiscale on PATH

cores=$(nproc)
if [ -z "${MSC_SWEEP:-}" ]; then
  MSC_SWEEP=""
  for (( p = 1; p < cores; p *= 2 )); do MSC_SWEEP+="$p "; done
  MSC_SWEEP+="$cores"
fi
max=0
for p in $MSC_SWEEP; do
  [[ $p =~ ^[1-9][0-9]*$ ]] || msc_job_die "MSC_SWEEP: '$p': rank counts are positive integers"
  [ "$p" -le "$max" ] || max=$p
done
[ "$#" -gt 0 ] || set -- --kernel do_math --range 0:2G --repeat 3

MSC_NP=$max
msc_job_begin "sweep over ${MSC_SWEEP// /,} ranks"
out=${MSC_WORKDIR:-sweep-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
verdict=0
for p in $MSC_SWEEP; do
  MSC_RANKS=$p
  msc_job_run "$out/p$p" --json "$out/study.jsonl" --report "$out/p$p/run.report" --force -q "$@"
  if [ "$MSC_JOB_VERDICT" != 0 ]; then
    [ "$verdict" != 0 ] || verdict=$MSC_JOB_VERDICT
    [ "$MSC_JOB_VERDICT" != 75 ] || break # asked to stop: no further points
  fi
done
MSC_JOB_VERDICT=$verdict MSC_JOB_STATUS=$out/study.txt
msc_job_report "$out"
[ ! -s "$out/study.txt" ] || cat "$out/study.txt"
msc_job_end
