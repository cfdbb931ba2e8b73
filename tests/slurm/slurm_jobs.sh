#!/usr/bin/env bash
# slurm_jobs.sh BUILD_DIR — the Slurm job scripts (jobs/slurm/) submitted with sbatch to a real
# one-host Slurm cluster (tests/slurm/cluster.sh starts it), by root and by an unprivileged user
# (nobody): every script must complete with the outputs it documents; a single run signalled
# like a time limit's warning (scancel --batch --signal=USR1) must stop with 75 and resume on
# resubmission to the digest of an uninterrupted run; the same with the script's own requeue; and
# a job whose limit is shorter than its --signal margin must be warned and stop cleanly.
# Jobs are waited for by polling `scontrol show job` until their state is final (sbatch --wait
# can report a timed-out job as a success). Needs root, slurm-wlm and munge.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
build=${1:?usage: slurm_jobs.sh BUILD_DIR}
build=$(cd "$build" && pwd -P)
# shellcheck source=tests/cli/lib.sh
. "$here/../cli/lib.sh" # ok, notok, check, status_field, jsonl
passed=0 failed=0

require_root "it starts slurmctld, slurmd and munged"
for f in mpiscale mpiscale-report mpiscale-job.sh; do
  [ -f "$build/$f" ] || { echo "not ok - $build/$f is missing: build first"; exit 1; }
done

tmp=$(mktemp -d /tmp/msc-slurm.XXXXXX)
chmod 0755 "$tmp"
cleanup() {
  # Jobs still there (after a failure) are cancelled and given 20 s to go before the daemons are
  # stopped, so that no job step outlives its slurmd.
  if [ -n "${SLURM_CONF:-}" ] && [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
    # shellcheck disable=SC2046 # job ids
    scancel $(squeue -h -o %i 2>/dev/null) 2>/dev/null
    for ((i = 0; i < 100; i++)); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  bash "$here/cluster.sh" stop "$tmp/cluster"
  if [ "${MSC_KEEP_TMP:-0}" = 1 ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# What users get: the programs and the job library on PATH, and copies of the job scripts, all
# readable by nobody (the checkout itself may not be).
mkdir -p "$tmp/bin" "$tmp/jobs"
cp "$build/mpiscale" "$build/mpiscale-report" "$build/mpiscale-job.sh" "$tmp/bin/"
cp -r "$repo/jobs/slurm" "$tmp/jobs/"
chmod -R a+rX "$tmp/bin" "$tmp/jobs"
export PATH="$tmp/bin:$PATH"

start=$SECONDS
eval "$(bash "$here/cluster.sh" start "$tmp/cluster" 4)" || { echo "not ok - the cluster did not start"; exit 1; }
ok "a one-host Slurm cluster started in $((SECONDS - start)) s ($(sinfo -h -o '%N, %c CPUs, %T'))"
host=$(hostname -s)

# A copy of a script with the account, partition and node count edited, as jobs/README.md tells
# a new user to do (and nothing else).
edited() { # edited SCRIPT DEST
  sed -e 's/^#SBATCH --account=myaccount /#SBATCH --account=testacct  /' \
      -e 's/^#SBATCH --partition=compute /#SBATCH --partition=debug   /' \
      -e 's/^#SBATCH --nodes=[0-9]* /#SBATCH --nodes=1 /' "$1" >"$2"
  chmod a+rx "$2"
}

# as USER DIR COMMAND...: runs COMMAND in DIR as USER (root or nobody) with this environment.
as() {
  local user=$1 dir=$2
  shift 2
  if [ "$user" = root ]; then
    (cd "$dir" && "$@")
  else
    # shellcheck disable=SC2016 # expanded by the inner bash
    runuser -u "$user" -- env PATH="$PATH" SLURM_CONF="$SLURM_CONF" HOME="$dir" bash -c 'cd "$0" && exec "$@"' "$dir" "$@"
  fi
}

state_of() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
exit_of() { scontrol show job "$1" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' | head -n 1; }
restarts_of() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p' | head -n 1; }
final() { case "$1" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE) return 0 ;; esac; return 1; }
wait_job() { # wait_job JOB SECONDS — until its state is final; prints the state
  local j=$1 limit=$2 st=""
  for ((i = 0; i < limit * 5; i++)); do
    st=$(state_of "$j")
    final "$st" && break
    sleep 0.2
  done
  echo "$st"
}
wait_lines() { # wait_lines FILE N SECONDS — until FILE has at least N lines
  for ((i = 0; i < $3 * 10; i++)); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
show_log() { # on a failure: the job's log
  local f
  for f in "$@"; do [ -f "$f" ] && sed 's/^/#   /' "$f" | tail -n 25; done
}

# References: the digests of uninterrupted runs of the same inputs (digests do not depend on the
# rank count or schedule). OMPI_ALLOW_* for root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
SINGLE=(--kernel do_math --range 0:600M --segments 256)
LONG=(--kernel sleep --param usec=400 --range 0:40000 --segments 400)
ref_of() { bash "$repo/tests/mpi_run.sh" 2 120 "$tmp/bin/mpiscale" -q "$@" | sed -n 's/.* digest=\([0-9a-f]*\) .*/\1/p'; }
SINGLE_REF=$(ref_of "${SINGLE[@]}")
LONG_REF=$(ref_of "${LONG[@]}")
check "reference digests of uninterrupted runs ($SINGLE_REF, $LONG_REF)" test -n "$SINGLE_REF" -a -n "$LONG_REF"

for user in root nobody; do
  d="$tmp/work-$user"
  mkdir -p "$d"
  chown "$user" "$d"
  for s in single strong weak; do edited "$tmp/jobs/slurm/$s.sbatch" "$d/$s.sbatch"; done

  # --- single.sbatch: one run, journaled ---------------------------------------------------------
  j=$(as "$user" "$d" sbatch --parsable single.sbatch "${SINGLE[@]}")
  st=$(wait_job "$j" 120)
  log="$d/mpiscale-$j.out"
  check "$user: single.sbatch: job $j COMPLETED with exit code 0:0 ($st $(exit_of "$j"))" \
    test "$st" = COMPLETED -a "$(exit_of "$j")" = 0:0 || show_log "$log"
  check "$user: single.sbatch: status complete, the reference digest" \
    test "$(status_field "$d/single/run.status" state)" = complete -a "$(status_field "$d/single/run.status" digest)" = "$SINGLE_REF"
  check "$user: single.sbatch: one JSON record, 4 ranks on 1 node, verified, by $user" \
    jsonl "$d/single/run.jsonl" "len(rs) == 1 and rs[0]['ranks'] == 4 and rs[0]['verified'] and rs[0]['digest'] == '$SINGLE_REF'"
  check "$user: single.sbatch: the report says PASS; the journal holds all 256 segments" \
    bash -c "grep -q '^Verification: PASS' '$d/single/run.report' && [ \$(grep -c '^seg=' '$d/single/run.journal') -eq 256 ]"
  check "$user: single.sbatch: the log header names the job, the node, 4 ranks, the command" \
    bash -c "grep -q 'job $j (slurm)' '$log' && grep -q 'nodes: 1 ($host); ranks: 4' '$log' && grep -q 'user $user,' '$log' && grep -q 'command: mpirun -np 4 --hostfile' '$log' && grep -q 'done: complete' '$log'"
  check "$user: single.sbatch: the files belong to $user" \
    test "$(stat -c %U "$d/single/run.status")" = "$user"

  # --- strong.sbatch and weak.sbatch: sweeps in one allocation, analysed ----------------------------
  for kind in strong weak; do
    j=$(as "$user" "$d" sbatch --parsable "$kind.sbatch" --kernel pi --range 0:4M)
    st=$(wait_job "$j" 240)
    log="$d/mpiscale-$kind-$j.out"
    o="$d/$kind-$j"
    check "$user: $kind.sbatch: job $j COMPLETED with exit code 0:0 ($st $(exit_of "$j"))" \
      test "$st" = COMPLETED -a "$(exit_of "$j")" = 0:0 || show_log "$log"
    Kind=$([ "$kind" = strong ] && echo Strong || echo Weak)
    check "$user: $kind.sbatch: study.jsonl has runs at p = 1, 2, 4 only, all verified, $kind mode" \
      jsonl "$o/study.jsonl" "sorted({r['ranks'] for r in rs}) == [1, 2, 4] and all(r['verified'] and r['sweep']['mode'] == '$kind' for r in rs)"
    check "$user: $kind.sbatch: the sweep's report and mpiscale-report's analysis have the 3-point table" \
      bash -c "grep -q '^$Kind-scaling sweep, 3 points' '$o/study.report' && grep -q '^$Kind-scaling sweep, 3 points' '$o/study.txt'"
    check "$user: $kind.sbatch: CSV (3 rows) and Markdown written" \
      bash -c "[ \$(tail -n +2 '$o/study.csv' | wc -l) -eq 3 ] && grep -q '^|' '$o/study.md'"
    check "$user: $kind.sbatch: 3 PNG and 3 SVG plots, and the HTML page" \
      bash -c "[ \$(ls '$o'/plots/*.png | wc -l) -eq 3 ] && [ \$(ls '$o'/plots/*.svg | wc -l) -eq 3 ] && grep -q '<html' '$o/study.html'"
    check "$user: $kind.sbatch: status complete" test "$(status_field "$o/run.status" state)" = complete
  done

  # --- study-submit.sh: one job per rank count, then the analysis after them ------------------------
  sed -e 's/^account=myaccount /account=testacct  /' -e 's/^partition=compute /partition=debug   /' \
      -e 's/^ranks="1 2 4 8 16 32 64" /ranks="1 2 4"              /' \
      "$tmp/jobs/slurm/study-submit.sh" >"$tmp/jobs/slurm/study-submit-$user.sh"
  chmod a+rx "$tmp/jobs/slurm/study-submit-$user.sh"
  out=$(as "$user" "$d" env STUDY_DIR="$d/study" bash "$tmp/jobs/slurm/study-submit-$user.sh" --kernel pi --range 0:4M 2>&1)
  ids=$(echo "$out" | sed -n 's/^study-submit: p=[0-9]*: job \([0-9]*\)$/\1/p' | tr '\n' ' ')
  rj=$(echo "$out" | sed -n 's/^study-submit: analysis: job \([0-9]*\),.*/\1/p')
  check "$user: study-submit.sh: 3 point jobs and an analysis job submitted ($ids; $rj)" \
    test "$(echo "$ids" | wc -w)" = 3 -a -n "$rj" || echo "${out//$'\n'/$'\n'#   }"
  dep=$(scontrol show job "$rj" | sed -n 's/.*Dependency=\([^ ]*\).*/\1/p')
  check "$user: study-submit.sh: the analysis was submitted after all three with afterok (now: $dep)" \
    bash -c "echo '$out' | grep -qx 'study-submit: analysis: job $rj, after $(echo "$ids" | xargs | tr ' ' :)' && [[ '$dep' == afterok:* ]]"
  st=$(wait_job "$rj" 300)
  states=""
  for j in $ids; do states+="$(state_of "$j") "; done
  check "$user: study-submit.sh: the point jobs COMPLETED ($states)" test "$states" = "COMPLETED COMPLETED COMPLETED "
  check "$user: study-submit.sh: the analysis job COMPLETED ($st $(exit_of "$rj"))" \
    test "$st" = COMPLETED -a "$(exit_of "$rj")" = 0:0 || show_log "$d/mpiscale-report-$rj.out"
  check "$user: study-submit.sh: study.jsonl has p = 1, 2, 4, all verified" \
    jsonl "$d/study/study.jsonl" "sorted({r['ranks'] for r in rs}) == [1, 2, 4] and all(r['verified'] for r in rs)"
  check "$user: study-submit.sh: each point's own status says complete" \
    test "$(status_field "$d/study/p1/run.status" state)$(status_field "$d/study/p2/run.status" state)$(status_field "$d/study/p4/run.status" state)" = completecompletecomplete
  check "$user: study-submit.sh: the analysis: 3-point table, Amdahl fit, plots, HTML" \
    bash -c "grep -q '^Strong-scaling sweep, 3 points' '$d/study/study.txt' && grep -q '^Amdahl: serial fraction' '$d/study/study.txt' && [ \$(ls '$d'/study/plots/*.png | wc -l) -eq 3 ] && [ -s '$d/study/study.html' ]"

  # --- a single run stopped like a time limit's warning, then resubmitted ---------------------------
  s="$d/sig"
  mkdir -p "$s"
  chown "$user" "$s"
  cp "$d/single.sbatch" "$s/"
  j=$(as "$user" "$s" sbatch --parsable --export=ALL,MSC_REQUEUE=0 single.sbatch "${LONG[@]}")
  if wait_lines "$s/single/run.journal" 40 60; then
    as "$user" "$s" scancel --batch --signal=USR1 "$j"
  fi
  st=$(wait_job "$j" 60)
  held=$(grep -c '^seg=' "$s/single/run.journal" 2>/dev/null)
  log="$s/mpiscale-$j.out"
  check "$user: signalled (scancel --batch --signal=USR1): FAILED with exit code 75:0 ($st $(exit_of "$j"))" \
    test "$st" = FAILED -a "$(exit_of "$j")" = 75:0 || show_log "$log"
  check "$user: signalled: the status says interrupted, $held segments saved, the rest remaining" \
    test "$(status_field "$s/single/run.status" state)" = interrupted -a "$(status_field "$s/single/run.status" segments_remaining)" = $((400 - held))
  check "$user: signalled: the trap caught it and no report was written" \
    bash -c "grep -q 'SIGUSR1 at .*asking the ranks to stop' '$log' && [ ! -e '$s/single/run.report' ]"
  j2=$(as "$user" "$s" sbatch --parsable --export=ALL,MSC_REQUEUE=0 single.sbatch "${LONG[@]}")
  st=$(wait_job "$j2" 120)
  check "$user: resubmitted: COMPLETED ($st $(exit_of "$j2")), resumed from the $held saved segments" \
    test "$st" = COMPLETED -a "$(status_field "$s/single/run.status" segments_reused)" = "$held" ||
    show_log "$s/mpiscale-$j2.out"
  check "$user: resubmitted: the digest of the uninterrupted run ($(status_field "$s/single/run.status" digest))" \
    test "$(status_field "$s/single/run.status" digest)" = "$LONG_REF"
done

# --- srun --mpi=pmix as the launcher: a stop, a resumption, a rank killed, a resumption ----------
d="$tmp/work-root/srun"
mkdir -p "$d"
cp "$tmp/work-root/single.sbatch" "$d/"
j=$(as root "$d" sbatch --parsable --export=ALL,MSC_LAUNCHER=srun,MSC_REQUEUE=0 single.sbatch "${LONG[@]}")
wait_lines "$d/single/run.journal" 40 60 && scancel --batch --signal=USR1 "$j"
st=$(wait_job "$j" 60)
held=$(grep -c '^seg=' "$d/single/run.journal" 2>/dev/null)
log="$d/mpiscale-$j.out"
check "srun: launched with srun --mpi=pmix, signalled: FAILED with 75:0 ($st $(exit_of "$j")), interrupted" \
  bash -c "[ '$st' = FAILED ] && [ '$(exit_of "$j")' = 75:0 ] && grep -q 'command: srun --mpi=pmix --ntasks=4' '$log' && [ '$(status_field "$d/single/run.status" state)' = interrupted ]" ||
  show_log "$log"
j=$(as root "$d" sbatch --parsable --export=ALL,MSC_LAUNCHER=srun,MSC_REQUEUE=0,MSC_FAULT=kill:1:20 single.sbatch "${LONG[@]}")
st=$(wait_job "$j" 60)
log="$d/mpiscale-$j.out"
check "srun: rank 1 SIGKILLed: the job FAILED ($st $(exit_of "$j")), the status names rank 1 and signal 9" \
  bash -c "[ '$st' = FAILED ] && [ '$(status_field "$d/single/run.status" state)' = failed ] && [ '$(status_field "$d/single/run.status" failed_rank)' = 1 ] && [ '$(status_field "$d/single/run.status" signal)' = 9 ]" ||
  show_log "$log"
held=$(grep -c '^seg=' "$d/single/run.journal" 2>/dev/null)
j=$(as root "$d" sbatch --parsable --export=ALL,MSC_LAUNCHER=srun,MSC_REQUEUE=0 single.sbatch "${LONG[@]}")
st=$(wait_job "$j" 120)
check "srun: resubmitted: COMPLETED ($st), $held segments reused, the uninterrupted digest" \
  test "$st" = COMPLETED -a "$(status_field "$d/single/run.status" segments_reused)" = "$held" -a \
  "$(status_field "$d/single/run.status" digest)" = "$LONG_REF" || show_log "$d/mpiscale-$j.out"

# --- the script requeues itself after a graceful stop (nobody's job) -------------------------------
d="$tmp/work-nobody/requeue"
mkdir -p "$d"
chown nobody "$d"
cp "$tmp/work-nobody/single.sbatch" "$d/"
j=$(as nobody "$d" sbatch --parsable single.sbatch "${LONG[@]}")
wait_lines "$d/single/run.journal" 40 60 && as nobody "$d" scancel --batch --signal=USR1 "$j"
for ((i = 0; i < 300; i++)); do [ "$(restarts_of "$j")" = 1 ] && break; sleep 0.2; done
held=$(grep -c '^seg=' "$d/single/run.journal" 2>/dev/null)
log="$d/mpiscale-$j.out"
check "requeue: the stopped job requeued itself (Restarts=$(restarts_of "$j"), $held segments saved)" \
  bash -c "[ '$(restarts_of "$j")' = 1 ] && grep -q 'requeued (restart 1)' '$log'" || show_log "$log"
# Slurm holds a requeued job for a while (about two minutes) before it may start again; the test
# does not wait that long. It waits until the job is pending again and then 2 s more: slurmd
# refuses a job whose new credential is dated the same second as the old one's revocation ("Job
# credential revoked", seen here when released at once).
for ((i = 0; i < 150; i++)); do [ "$(state_of "$j")" = PENDING ] && break; sleep 0.2; done
sleep 2
scontrol update JobId="$j" StartTime=now >/dev/null 2>&1
st=$(wait_job "$j" 150)
check "requeue: the same job then COMPLETED ($st $(exit_of "$j")), resuming from $held segments" \
  test "$st" = COMPLETED -a "$(status_field "$d/single/run.status" segments_reused)" = "$held" || show_log "$log"
check "requeue: the digest of the uninterrupted run" test "$(status_field "$d/single/run.status" digest)" = "$LONG_REF"
check "requeue: one log for both starts (--open-mode=append): two headers" \
  test "$(grep -c 'single: job '"$j"' (slurm)' "$log")" = 2

# --- the script's own --signal=B:USR1@300 under a 5-minute limit: warned at once, it stops ----------
# slurmctld looks for jobs to warn now and then ("up to 60 seconds earlier than specified", says
# sbatch(1); seen here after 1 s, 27 s, and not within 60 s), so the job has 180 s of sleeping on 4
# ranks (no CPU) to be warned in; it stops when warned, so the test waits only that long.
d="$tmp/work-root/warned"
mkdir -p "$d"
cp "$tmp/work-root/single.sbatch" "$d/"
j=$(as root "$d" sbatch --parsable --time=5 --export=ALL,MSC_REQUEUE=0 single.sbatch \
      --kernel sleep --param usec=1000 --range 0:720000 --segments 7200)
st=$(wait_job "$j" 240)
log="$d/mpiscale-$j.out"
check "time-limit warning: stopped by Slurm's own SIGUSR1 with 75, long before the limit ($st $(exit_of "$j"))" \
  bash -c "[ '$st' = FAILED ] && [ '$(exit_of "$j")' = 75:0 ] && grep -q 'SIGUSR1 at' '$log'" || show_log "$log"
check "time-limit warning: the status says interrupted, with a resumable checkpoint" \
  bash -c "[ '$(status_field "$d/single/run.status" state)' = interrupted ] || grep -q 'SIGUSR1 before the launch' '$log'"

echo "# Slurm job scripts: $passed passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ]
