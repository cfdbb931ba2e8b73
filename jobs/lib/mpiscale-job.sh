# mpiscale-job.sh — what every mpiscale job script does around its one launch, for Slurm, PBS and
# a workstation alike. Sourced, not run: job scripts say
#
#   . mpiscale-job.sh                  # bash finds it on PATH, next to mpiscale
#   msc_job_begin strong               # the log header; ranks and hosts from the scheduler
#   msc_job_run "$out" --sweep pow2 ... # launch, forward stop signals, watchdog, settle
#   msc_job_end                        # requeue if asked and useful, then exit with the verdict
#
# It is installed next to mpiscale (`cmake --install`, `module load mpiscale`) and copied into the
# build directory, so `PATH=/path/to/build:$PATH` is enough when running from a checkout.
#
# What it guarantees:
#   - the launcher (mpirun, or srun --mpi=pmix) runs in the background and the script `wait`s
#     for it, so the traps run at once: SIGUSR1 (Slurm's --signal=B:USR1@MARGIN), SIGTERM (a
#     scheduler's time limit or scancel, PBS's walltime) and SIGINT are passed on to the ranks
#     as SIGUSR1, and the ranks stop at a segment boundary, save and exit with 75;
#   - the job's end time becomes mpiscale's --deadline (Slurm: the job's EndTime; PBS: the
#     walltime; a workstation: MSC_TIME_LIMIT), a second line of defence behind the signal;
#   - the watchdog ends a launcher that is still alive MSC_WATCHDOG_S seconds after the status
#     file says the run is over (Open MPI 4.1 can hang in its teardown after a failure);
#   - the verdict comes from the status file, settled by `mpiscale-report --settle` when the
#     ranks were killed before writing it, never from the launcher's exit code alone; the job
#     exits with it: 0 complete, 75 interrupted (resubmit to resume), 2 invalid input, 3 output
#     error, 4 verification failed, others for failures;
#   - on Slurm, with MSC_REQUEUE=1, an interrupted run whose checkpoint grew is requeued
#     (`scontrol requeue`, at most MSC_MAX_REQUEUES times) and resumes when it starts again.
#
# Settings (environment variables; a job script may set them before msc_job_begin):
#   MSC_LAUNCHER        mpirun (default; called mpiexec under PBS) or srun (Slurm only:
#                       srun --mpi=pmix)
#   MSC_RANKS           total ranks (default: one per physical core of every allocated node;
#                       PBS: one per line of $PBS_NODEFILE; a workstation: MSC_NP, else nproc)
#   MSC_RANKS_PER_NODE  ranks on each node instead (Slurm and PBS)
#   MSC_MPIRUN_ARGS     more launcher options, word-split (e.g. "--bind-to core")
#   MSC_TIME_LIMIT      a time limit where the scheduler gives none (90, 30m, 2h, HH:MM:SS)
#   MSC_DEADLINE_MARGIN seconds before the job's end time to give mpiscale as --deadline (60
#                       under a scheduler, 0 for MSC_TIME_LIMIT on a workstation)
#   MSC_WATCHDOG_S      seconds a launcher may outlive the run's verdict (30)
#   MSC_REQUEUE         1: requeue an interrupted Slurm job that made progress (0: exit 75)
#   MSC_MAX_REQUEUES    at most this many requeues (10)
#   MSC_BIN, MSC_REPORT_BIN  the two programs (default: mpiscale and mpiscale-report on PATH)
# shellcheck shell=bash

msc_job_say() { echo "mpiscale job: $*"; }
msc_job_die() {
  echo "mpiscale job: error: $*" >&2
  exit 2
}

# Seconds of a duration given as 90, 90s, 30m, 1.5h, MM:SS, HH:MM:SS or D-HH:MM:SS (Slurm's and
# PBS's forms); prints nothing and fails on anything else.
msc_job_seconds() {
  local t=$1 d=0 h=0 m=0 s=0
  if [[ $t =~ ^(([0-9]+)-)?(([0-9]+):)?([0-9]+):([0-9]+)$ ]]; then
    d=${BASH_REMATCH[2]:-0} h=${BASH_REMATCH[4]:-0} m=${BASH_REMATCH[5]} s=${BASH_REMATCH[6]}
    echo $(( 10#$d * 86400 + 10#$h * 3600 + 10#$m * 60 + 10#$s ))
  elif [[ $t =~ ^([0-9]+)(\.[0-9]*)?([smh]?)$ ]]; then
    local whole=${BASH_REMATCH[1]} frac=${BASH_REMATCH[2]#.} unit=${BASH_REMATCH[3]} mult=1
    case "$unit" in m) mult=60 ;; h) mult=3600 ;; esac
    frac=${frac:-0}
    echo $(( 10#$whole * mult + 10#${frac:0:1} * mult / 10 ))
  else
    return 1
  fi
}

# Expands Slurm's compressed per-node counts ("48(x2),32") into one count per line.
msc_job_expand_counts() {
  local item n reps
  local -a items
  IFS=, read -r -a items <<<"$1"
  for item in "${items[@]}"; do
    if [[ $item =~ ^([0-9]+)\(x([0-9]+)\)$ ]]; then
      n=${BASH_REMATCH[1]} reps=${BASH_REMATCH[2]}
      for (( ; reps > 0; reps-- )); do echo "$n"; done
    else
      echo "$item"
    fi
  done
}

# The first value of "key": N in the status file $1 (pretty-printed JSON, one key per line).
msc_job_status_field() {
  [ -f "$1" ] || return 0
  sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" | head -n 1
}

# msc_job_local_programs DIR: for the workstation scripts in DIR (jobs/local of a checkout, or
# an installed copy): in a checkout, install what is missing and build it (setup.sh), and use its
# build/; installed, use mpiscale on PATH. MSC_BIN set beforehand wins.
msc_job_local_programs() {
  if [ -z "${MSC_BIN:-}" ] && [ -f "$1/../../CMakeLists.txt" ] && [ -f "$1/setup.sh" ]; then
    # shellcheck source=jobs/local/setup.sh
    . "$1/setup.sh"
    MSC_BIN="$MSC_ROOT/build/mpiscale"
    MSC_REPORT_BIN="$MSC_ROOT/build/mpiscale-report"
  fi
}

# msc_job_begin NAME: finds the programs, reads the allocation (scheduler, job id, hosts, ranks
# per host) and prints the log header. Sets MSC_SCHEDULER (slurm, pbs or none), MSC_JOB_ID,
# MSC_HOSTS (array), MSC_HOST_RANKS (array, ranks per host), MSC_RANKS (total).
msc_job_begin() {
  MSC_JOB_NAME=$1
  # A command that fails under set -e ends the job: say which, in the job's log.
  set -o errtrace
  trap 'echo "mpiscale job: error: \"$BASH_COMMAND\" failed (exit code $?, line $LINENO of ${BASH_SOURCE[0]})" >&2' ERR
  MSC_BIN=${MSC_BIN:-$(command -v mpiscale || true)}
  MSC_REPORT_BIN=${MSC_REPORT_BIN:-$(command -v mpiscale-report || true)}
  if [ -z "$MSC_BIN" ] || [ ! -x "$MSC_BIN" ]; then
    msc_job_die "mpiscale not found: 'module load mpiscale', or put its directory on PATH before submitting"
  fi
  if [ -z "$MSC_REPORT_BIN" ] || [ ! -x "$MSC_REPORT_BIN" ]; then
    msc_job_die "mpiscale-report not found next to mpiscale (PATH=$PATH)"
  fi
  if [ "$(id -u)" -eq 0 ]; then # Open MPI refuses root without these
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  MSC_JOB_START=$(date +%s)
  # A stop that comes before the launch (Slurm's warning can come at once) is remembered, not
  # fatal: bash's default for SIGUSR1 would end the job without a word.
  MSC_JOB_STOP_PENDING=""
  trap 'MSC_JOB_STOP_PENDING=SIGUSR1' USR1
  trap 'MSC_JOB_STOP_PENDING=SIGTERM' TERM
  trap 'MSC_JOB_STOP_PENDING=SIGINT' INT
  MSC_HOSTS=() MSC_HOST_RANKS=()
  local h
  if [ -n "${SLURM_JOB_ID:-}" ]; then
    MSC_SCHEDULER=slurm MSC_JOB_ID=$SLURM_JOB_ID
    mapfile -t MSC_HOSTS < <(scontrol show hostnames "$SLURM_JOB_NODELIST")
    local -a cpus
    mapfile -t cpus < <(msc_job_expand_counts "${SLURM_JOB_CPUS_PER_NODE:-1}")
    local i threads
    for i in "${!MSC_HOSTS[@]}"; do
      # Slurm counts hardware threads as CPUs; one single-threaded rank per physical core.
      threads=$(scontrol -o show node "${MSC_HOSTS[$i]}" 2>/dev/null |
                sed -n 's/.*ThreadsPerCore=\([0-9]*\).*/\1/p')
      threads=${threads:-1}
      MSC_HOST_RANKS[i]=$(( ${cpus[$i]:-${cpus[0]}} / threads ))
      [ "${MSC_HOST_RANKS[$i]}" -ge 1 ] || MSC_HOST_RANKS[i]=1
    done
  elif [ -n "${PBS_JOBID:-}" ]; then
    MSC_SCHEDULER=pbs MSC_JOB_ID=$PBS_JOBID
    [ -r "${PBS_NODEFILE:-}" ] || msc_job_die "PBS_JOBID is set but PBS_NODEFILE ('${PBS_NODEFILE:-}') is not readable"
    # One line per rank slot, hosts in order of first appearance.
    mapfile -t MSC_HOSTS < <(awk 'NF && !seen[$1]++ { print $1 }' "$PBS_NODEFILE")
    for h in "${MSC_HOSTS[@]}"; do
      MSC_HOST_RANKS+=("$(awk -v h="$h" '$1 == h' "$PBS_NODEFILE" | wc -l)")
    done
  else
    MSC_SCHEDULER=none MSC_JOB_ID="local-$$"
    MSC_HOSTS=("$(hostname)")
    MSC_HOST_RANKS=("${MSC_NP:-$(nproc)}")
  fi
  [ "${#MSC_HOSTS[@]}" -ge 1 ] || msc_job_die "the allocation names no host"
  local i
  if [ -n "${MSC_RANKS_PER_NODE:-}" ]; then
    [[ $MSC_RANKS_PER_NODE =~ ^[1-9][0-9]*$ ]] ||
      msc_job_die "MSC_RANKS_PER_NODE: '$MSC_RANKS_PER_NODE': a positive rank count"
    for i in "${!MSC_HOSTS[@]}"; do MSC_HOST_RANKS[i]=$MSC_RANKS_PER_NODE; done
  fi
  MSC_RANKS_FOUND=0
  for i in "${!MSC_HOSTS[@]}"; do MSC_RANKS_FOUND=$(( MSC_RANKS_FOUND + MSC_HOST_RANKS[i] )); done
  MSC_RANKS=${MSC_RANKS:-$MSC_RANKS_FOUND}
  [[ $MSC_RANKS =~ ^[1-9][0-9]*$ ]] || msc_job_die "MSC_RANKS: '$MSC_RANKS': a positive rank count"
  [ "$MSC_RANKS" -le "$MSC_RANKS_FOUND" ] ||
    msc_job_die "MSC_RANKS=$MSC_RANKS is more than the $MSC_RANKS_FOUND cores allocated"

  local hosts_shown="${MSC_HOSTS[*]:0:8}"
  [ "${#MSC_HOSTS[@]}" -le 8 ] || hosts_shown+=" ... (${#MSC_HOSTS[@]} in all)"
  msc_job_say "$MSC_JOB_NAME: job $MSC_JOB_ID ($MSC_SCHEDULER), started $(date -u -d "@$MSC_JOB_START" +%FT%TZ)"
  msc_job_say "nodes: ${#MSC_HOSTS[@]} ($hosts_shown); ranks: $MSC_RANKS (per node: ${MSC_HOST_RANKS[*]:0:8})"
  msc_job_say "user $(id -un), directory $(pwd -P)"
  msc_job_say "$("$MSC_BIN" --version 2>&1 | head -n 1) at $MSC_BIN"
}

# The job's end as Unix time, from the scheduler, or nothing when it has no limit.
msc_job_end_time() {
  local end=""
  case "$MSC_SCHEDULER" in
    slurm)
      end=$(squeue -h -j "$MSC_JOB_ID" -o %e 2>/dev/null | head -n 1)
      case "$end" in ""|Unknown|N/A|NONE) return 0 ;; esac
      date -d "$end" +%s 2>/dev/null || true
      return 0
      ;;
    pbs)
      # Torque exports the walltime in seconds; PBS Pro gives it to qstat.
      local wall=${PBS_WALLTIME:-}
      if [ -z "$wall" ] && command -v qstat >/dev/null; then
        wall=$(qstat -f "$MSC_JOB_ID" 2>/dev/null | sed -n 's/^ *Resource_List.walltime = //p' | head -n 1)
      fi
      [ -n "$wall" ] || return 0
      wall=$(msc_job_seconds "$wall") || return 0
      echo $(( MSC_JOB_START + wall ))
      ;;
  esac
  if [ -n "${MSC_TIME_LIMIT:-}" ]; then
    local s
    s=$(msc_job_seconds "$MSC_TIME_LIMIT") ||
      msc_job_die "MSC_TIME_LIMIT: '$MSC_TIME_LIMIT': seconds, 30m, 2h or HH:MM:SS"
    echo $(( MSC_JOB_START + s ))
  fi
}

# msc_job_run OUTDIR MPISCALE_ARGS...: runs mpiscale once on the allocation with --status
# OUTDIR/run.status and the given options, writing the launcher's stderr to OUTDIR/launcher.log
# (and to the job's stderr), and sets MSC_JOB_VERDICT to the settled exit code. Returns 0.
msc_job_run() {
  local out=$1
  shift
  mkdir -p "$out"
  MSC_JOB_STATUS="$out/run.status"
  local status=$MSC_JOB_STATUS log="$out/launcher.log"
  local -a launch args=(--status "$status")
  MSC_JOB_DONE_BEFORE=$(msc_job_status_field "$status" segments_done)

  # Under a scheduler the job is killed at its end: stop a margin before it. A workstation's
  # MSC_TIME_LIMIT is the run's own limit (mpiscale keeps what it needs to save in hand).
  local end margin=${MSC_DEADLINE_MARGIN:-60}
  [ "$MSC_SCHEDULER" != none ] || margin=${MSC_DEADLINE_MARGIN:-0}
  end=$(msc_job_end_time)
  if [ -n "$end" ]; then
    args+=(--deadline "$(( end - margin ))")
  fi

  case "${MSC_LAUNCHER:-mpirun}" in
    srun)
      [ "$MSC_SCHEDULER" = slurm ] || msc_job_die "MSC_LAUNCHER=srun needs a Slurm job"
      launch=(srun --mpi=pmix --ntasks="$MSC_RANKS" --cpus-per-task=1 --kill-on-bad-exit=0)
      [ -z "${MSC_RANKS_PER_NODE:-}" ] || launch+=(--ntasks-per-node="$MSC_RANKS_PER_NODE")
      ;;
    mpirun)
      # mpiexec is the MPI standard's name for it, and what PBS sites document; Open MPI's
      # mpirun and mpiexec are the same program.
      launch=("$([ "$MSC_SCHEDULER" = pbs ] && echo mpiexec || echo mpirun)" -np "$MSC_RANKS")
      if [ "$MSC_SCHEDULER" = none ]; then
        # One machine: Open MPI's plain point-to-point layer, without probing for InfiniBand
        # and Omni-Path first (0.2 s per launch on a 2-core VM, measured by
        # tests/bench/launch.sh). Not where such a fabric exists (a workstation with an HCA),
        # nor on clusters: there the fast interconnect is the point.
        if [ -z "$(ls -A /sys/class/infiniband 2>/dev/null)" ] && ! compgen -G '/dev/hfi1*' >/dev/null; then
          launch+=(--mca pml ob1)
        fi
      else
        # A hostfile with the ranks per node: inside a Slurm allocation Open MPI takes its slots
        # from the tasks Slurm counted (one per CPU, or one in all with --cpus-per-task=1), and
        # without PBS support built in it does not read $PBS_NODEFILE at all.
        local i
        : >"$out/hosts"
        for i in "${!MSC_HOSTS[@]}"; do
          echo "${MSC_HOSTS[$i]} slots=${MSC_HOST_RANKS[$i]}" >>"$out/hosts"
        done
        launch+=(--hostfile "$out/hosts")
      fi
      if [ -n "$end" ]; then # a hung rank cannot outlive the job's end
        launch+=(--timeout "$(( end - $(date +%s) + 30 > 60 ? end - $(date +%s) + 30 : 60 ))")
      fi
      ;;
    *) msc_job_die "MSC_LAUNCHER: '${MSC_LAUNCHER}': mpirun or srun" ;;
  esac
  # shellcheck disable=SC2206 # a list of words on purpose
  launch+=(${MSC_MPIRUN_ARGS:-})

  msc_job_say "command: ${launch[*]} $MSC_BIN ${args[*]} $*"
  msc_job_say "outputs in $out"
  if [ -n "$MSC_JOB_STOP_PENDING" ]; then
    msc_job_say "$MSC_JOB_STOP_PENDING before the launch: not started (nothing new to save)"
    MSC_JOB_VERDICT=75
    return 0
  fi
  # In the background, so that this shell's traps run while it works (a foreground child
  # holds them until it exits); stderr to the log and to the job's own stderr, through a FIFO
  # so that the tee can be waited for and the log is whole before the verdict is settled.
  local fifo="$out/.launcher.fifo"
  rm -f "$fifo"
  mkfifo "$fifo"
  tee "$log" <"$fifo" >&2 &
  local tee_pid=$!
  "${launch[@]}" "$MSC_BIN" "${args[@]}" "$@" </dev/null 2>"$fifo" &
  local pid=$!
  # shellcheck disable=SC2064 # the PID is fixed now
  trap "msc_job_stop SIGUSR1 $pid" USR1
  # shellcheck disable=SC2064
  trap "msc_job_stop SIGTERM $pid" TERM
  # shellcheck disable=SC2064
  trap "msc_job_stop SIGINT $pid" INT
  # one that came between the check above and these traps
  [ -z "$MSC_JOB_STOP_PENDING" ] || msc_job_stop "$MSC_JOB_STOP_PENDING" "$pid"

  local watchdog_s=${MSC_WATCHDOG_S:-30}
  (
    ended=""
    while kill -0 "$pid" 2>/dev/null; do
      if [ -z "$ended" ] && [ -f "$status" ] &&
         grep -qE '"state": "(complete|interrupted|failed|invalid-input)"' "$status"; then
        ended=$SECONDS
      fi
      if [ -n "$ended" ] && [ $(( SECONDS - ended )) -ge "$watchdog_s" ]; then
        echo "mpiscale job: watchdog: the launcher is still running ${watchdog_s} s after the run ended; ending it"
        kill -TERM "$pid" 2>/dev/null || true
        sleep 5
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 1
    done
  ) &
  local watchdog=$!

  # `wait` returns early (> 128) whenever a trapped signal arrives: wait again until the
  # launcher itself has ended, then take its exit code.
  local rc=0
  while :; do
    wait "$pid" && rc=0 || rc=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  trap 'MSC_JOB_STOP_PENDING=SIGUSR1' USR1
  trap 'MSC_JOB_STOP_PENDING=SIGTERM' TERM
  trap 'MSC_JOB_STOP_PENDING=SIGINT' INT
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  # The tee ends when the last writer of the FIFO closes it: ranks that outlive the launcher
  # hold it open, so give it at most 30 s, as the wait for them below.
  for _ in $(seq 300); do
    kill -0 "$tee_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$tee_pid" 2>/dev/null || true
  wait "$tee_pid" 2>/dev/null || true
  rm -f "$fifo"
  # Ranks can outlive a launcher that was killed outright by a second or two, still saving:
  # the verdict waits for them (at most 30 s; ranks on other nodes are the scheduler's to end).
  for _ in $(seq 300); do
    pgrep -f -- "--status $status" >/dev/null || break
    sleep 0.1
  done

  MSC_JOB_VERDICT=0
  "$MSC_REPORT_BIN" --settle "$status" --launcher-exit "$rc" --launcher-log "$log" || MSC_JOB_VERDICT=$?
  msc_job_say "launcher exited with $rc; verdict: exit code $MSC_JOB_VERDICT"
  return 0
}

# The traps' action: ask the ranks to stop and save (mpirun and srun pass SIGUSR1 on to them).
msc_job_stop() {
  msc_job_say "$1 at $(date -u +%FT%TZ): asking the ranks to stop and save (SIGUSR1 to the launcher)"
  kill -USR1 "$2" 2>/dev/null || true
}

# msc_job_end: exits with the verdict; on Slurm with MSC_REQUEUE=1, an interrupted run that
# saved more segments than it started with is requeued first (it resumes when it runs again).
msc_job_end() {
  local v=${MSC_JOB_VERDICT:-70}
  if [ "$v" = 75 ] && [ "$MSC_SCHEDULER" = slurm ] && [ "${MSC_REQUEUE:-0}" = 1 ]; then
    local before=${MSC_JOB_DONE_BEFORE:-0} after restarts=${SLURM_RESTART_COUNT:-0}
    after=$(msc_job_status_field "$MSC_JOB_STATUS" segments_done)
    [[ $before =~ ^[0-9]+$ ]] || before=0
    if ! [[ ${after:-} =~ ^[0-9]+$ ]] || [ "$after" -le "$before" ]; then
      msc_job_say "not requeued: the run saved no new segment (${after:-none} now, $before before)"
    elif [ "$restarts" -ge "${MSC_MAX_REQUEUES:-10}" ]; then
      msc_job_say "not requeued: requeued $restarts times already (MSC_MAX_REQUEUES=${MSC_MAX_REQUEUES:-10})"
    elif scontrol requeue "$MSC_JOB_ID"; then
      msc_job_say "requeued (restart $(( restarts + 1 ))): $after segments saved; it resumes when it starts again"
      exit 0
    else
      msc_job_say "scontrol requeue failed (is the job --requeue-able?): resubmit to resume"
    fi
  fi
  case "$v" in
    0) msc_job_say "done: complete" ;;
    75) msc_job_say "interrupted: $([ "$MSC_SCHEDULER" = none ] && echo run || echo submit) the same script again to resume" ;;
    *) msc_job_say "failed: exit code $v (see $MSC_JOB_STATUS)" ;;
  esac
  exit "$v"
}

# msc_job_report OUTDIR [JSONL...]: the study's analysis with mpiscale-report (default input
# OUTDIR/study.jsonl): OUTDIR/study.txt, study.csv, study.md, and with gnuplot plots/ and
# study.html. A failure turns a complete verdict into the report's exit code; after an
# interrupted run it analyses what was finished and keeps the verdict.
msc_job_report() {
  local out=$1
  shift
  local -a files=("$@")
  [ "${#files[@]}" -gt 0 ] || files=("$out/study.jsonl")
  local f
  for f in "${files[@]}"; do
    if [ ! -s "$f" ]; then
      msc_job_say "report: no runs in $f: nothing to analyse"
      [ "${MSC_JOB_VERDICT:-0}" != 0 ] || MSC_JOB_VERDICT=2
      return 0
    fi
  done
  local -a outputs=(--csv "$out/study.csv" --markdown "$out/study.md")
  if command -v "${MSC_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    outputs+=(--plots "$out/plots/" --html "$out/study.html")
  else
    msc_job_say "report: gnuplot not found on $(hostname): no plots (run mpiscale-report with --plots later)"
  fi
  local rc=0
  "$MSC_REPORT_BIN" "${files[@]}" "${outputs[@]}" >"$out/study.txt" || rc=$?
  if [ "$rc" = 0 ]; then
    msc_job_say "report: $out/study.txt, study.csv, study.md${outputs[5]:+, plots/, study.html}"
  else
    msc_job_say "report: mpiscale-report failed with exit code $rc (its message is above)"
    [ "${MSC_JOB_VERDICT:-0}" != 0 ] || MSC_JOB_VERDICT=$rc
  fi
  return 0
}
