#!/bin/bash
# study-submit.sh — a strong-scaling study as separate jobs, one per rank count, each on whole
# nodes of its own, and a last job that analyses them all (mpiscale-report: table, fits, plots,
# HTML) once every point has completed (--dependency=afterok). Run it on the login node:
#
#   ./study-submit.sh                          the study below
#   ./study-submit.sh --kernel primes          another study: these options replace mpiscale_args
#
# Separate jobs fit where one allocation of the largest size waits too long in the queue, or
# where each point needs its own time limit. (A Slurm job array cannot do this: every element of
# an array asks for the same number of tasks.) If a point fails, the analysis job is cancelled
# (--kill-on-invalid-dep) instead of pending forever: resubmit with the same STUDY_DIR, and
# points already in study.jsonl are simply more runs.
# Edit: the account, the partition, the rank counts and the run below.
# Needs mpiscale on PATH (`module load mpiscale`); the jobs inherit this environment.
# Writes into STUDY_DIR (default study-YYYYmmdd-HHMMSS/ here): study.jsonl (every point's run),
# pP/ (each point's status, log, hostfile, report), and the analysis job's study.txt, study.csv,
# study.md, plots/ and study.html. The job logs are mpiscale-*-JOBID.out in this directory.
set -euo pipefail

account=myaccount                      # EDIT: your project account
partition=compute                      # EDIT: a partition of your cluster
ranks="1 2 4 8 16 32 64"               # EDIT: the rank counts, one job each
time_limit=01:00:00                    # each point's time limit
mpiscale_args=(--kernel do_math --range 0:20G) # what to run (mpiscale --help)
repeat_args=(--repeat auto:10 --precision 2%) # each point: repeated until its median is within 2%
[ $# -eq 0 ] || mpiscale_args=("$@")

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
study_dir=${STUDY_DIR:-study-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$study_dir"
study_dir=$(cd "$study_dir" && pwd -P)
command -v mpiscale >/dev/null ||
  { echo "study-submit: mpiscale is not on PATH: 'module load mpiscale' first" >&2; exit 2; }
# The scheduler options: those above, then any in SBATCH_EXTRA (e.g. "--qos=short").
# shellcheck disable=SC2206 # a list of words on purpose
common=(--parsable --account="$account" --partition="$partition" ${SBATCH_EXTRA:-})

jobs=()
for p in $ranks; do
  [[ $p =~ ^[1-9][0-9]*$ ]] || { echo "study-submit: '$p': rank counts are positive integers" >&2; exit 2; }
  id=$(sbatch "${common[@]}" --job-name="mpiscale-p$p" --ntasks="$p" --time="$time_limit" \
         --export=ALL,MSC_RANKS="$p",STUDY_DIR="$study_dir" \
         "$here/study-point.sbatch" "${repeat_args[@]}" "${mpiscale_args[@]}")
  id=${id%%;*} # --parsable prints JOBID or JOBID;CLUSTER
  echo "study-submit: p=$p: job $id"
  jobs+=("$id")
done
deps=$(IFS=:; echo "${jobs[*]}")
id=$(sbatch "${common[@]}" --job-name=mpiscale-report --dependency="afterok:$deps" \
       --kill-on-invalid-dep=yes --export=ALL,STUDY_DIR="$study_dir" "$here/study-report.sbatch")
id=${id%%;*}
echo "study-submit: analysis: job $id, after $deps"
echo "study-submit: results in $study_dir (squeue -u \$USER to follow)"
