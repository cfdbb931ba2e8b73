#!/usr/bin/env bash
# faults.sh BIN — the fault-injection suite (issue 5): runs mpiscale with a checkpoint journal and
# breaks it in every way a cluster does — a rank that exits, segfaults, is SIGKILLed (as by the OOM
# killer) or calls MPI_Abort mid-compute; rank 0 killed during the gather and while writing the
# outputs; SIGTERM to mpirun; SIGUSR1 to the job shell (jobs/local/resumable.sh); SIGKILL to mpirun;
# a hung rank ended by mpirun --timeout; a file size limit hit while writing the results. After
# each: the status file tells the truth (after `mpiscale-report --settle` where mpiscale could not
# write it), no partial output exists, and a resume at another rank count completes with the digest
# of an uninterrupted run, reusing exactly the segments the journal held. The failure-path cases
# repeat MSC_FAULT_REPEATS times (default 10): Open MPI's teardown is not deterministic. Then one
# job is interrupted at 30 random points in a row (random rank counts and ways), resumed each
# time, and must end with zero segments lost or counted twice.
# Every launch has its own time limit, enforced here, outside mpirun (SIGKILL when it passes).
# Needs MSC_MPI_RUN (for lib.sh), MSC_REPORT (mpiscale-report) and MSC_JOBS (the jobs/ directory).
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
cli_start "$@"
REPORT=${MSC_REPORT:?MSC_REPORT: the mpiscale-report binary}
JOBS=${MSC_JOBS:?MSC_JOBS: the jobs/ directory}
REPEATS=${MSC_FAULT_REPEATS:-10}
RANDOM_POINTS=${MSC_FAULT_RANDOM_POINTS:-30}
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
RANDOM=${MSC_FAULT_SEED:-$$}
echo "# fault suite: $REPEATS repeats per case, $RANDOM_POINTS random interrupts, seed $RANDOM"

# The job: about a third of a second of do_math at 2 ranks on AVX-512 (1.5 s on the scalar path),
# 256 segments (a fault after segment 20 of rank 1 lands early in the compute phase). SIGTERM to
# mpirun reaches the ranks only a second later, and ranks outlive a SIGKILLed mpirun by about as
# long, so those two cases run a longer job (LONG), with its own reference digest.
SHORT=(--kernel do_math --range 0:1350M --segments 256)
LONG=(--kernel do_math --range 0:9G --segments 256)
JOB=("${SHORT[@]}")
SEGMENTS=256

# launch DIR NP [ENV=VALUE...] -- ARGS... — starts mpirun in the background (stdout DIR/out,
# stderr DIR/log) with a private session directory; sets MPID.
launch() {
  local dir=$1 np=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  mkdir -p "$dir/session"
  pid_dir=$dir
  echo x >>"$tmp/launches"
  env "${envs[@]}" mpirun --oversubscribe --mca orte_tmpdir_base "$dir/session" --mca pml ob1 \
    --mca btl self,vader,tcp ${MPIRUN_EXTRA:-} -np "$np" "$BIN" "$@" </dev/null >"$dir/out" 2>"$dir/log" &
  MPID=$!
}

# finish PID LIMIT — waits for PID at most LIMIT seconds, then SIGKILLs it (and says so: 124);
# sets RC to its exit code.
finish() {
  local pid=$1 limit=$2 start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      RC=124
      return
    fi
    sleep 0.05
  done
  wait "$pid"
  RC=$?
  # Ranks outlive a mpirun killed outright by a second or so, and may still append to the journal:
  # wait until no process of this launch is left (its arguments name its directory).
  while pgrep -f -- "${pid_dir:-/nonexistent}/" >/dev/null && [ $((SECONDS - start)) -lt "$limit" ]; do
    sleep 0.1
  done
}

# rank_pid NP RANK — the PID of mpirun $MPID's rank RANK (from its environment), or "".
rank_pid() {
  local p
  for p in $(pgrep -P "$MPID"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
      echo "$p"
      return
    fi
  done
}

segs() { # segs JOURNAL — its segment lines (0 when absent)
  local n
  n=$(grep -c '^seg=' "$1" 2>/dev/null)
  echo "${n:-0}"
}

# wait_for_journal FILE N LIMIT — until FILE holds N segment lines (the run is under way).
wait_for_journal() {
  local start=$SECONDS
  while [ "$(segs "$1")" -lt "$2" ]; do
    [ $((SECONDS - start)) -ge "$3" ] && return 1
    sleep 0.02
  done
}

field() { # field STATUS KEY — a top-level value of a status file
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("null" if v is None else v)' "$1" "$2" 2>/dev/null
}
digest_of() { sed -n 's/.* digest=\([0-9a-f]*\) .*/\1/p' "$1" | head -n 1; }

# No partial output in DIR: no temporary file of an atomic write, and every JSON Lines file parses.
no_partial_output() {
  local dir=$1
  if find "$dir" -maxdepth 1 -name '.*.tmp.*' | grep -q .; then return 1; fi
  local f
  for f in "$dir"/*.jsonl; do
    [ -e "$f" ] || continue
    python3 -c 'import json,sys
for line in open(sys.argv[1]): json.loads(line)' "$f" || return 1
  done
  return 0
}

# References: the uninterrupted digests.
mkdir -p "$tmp/ref" "$tmp/longref"
launch "$tmp/ref" 2 -- "${SHORT[@]}" -q
finish "$MPID" 120
SHORT_REF=$(digest_of "$tmp/ref/out")
check "reference run: exit 0 with a digest (got $RC, '$SHORT_REF')" test "$RC" = 0 -a -n "$SHORT_REF"
launch "$tmp/longref" 2 -- "${LONG[@]}" -q
finish "$MPID" 300
LONG_REF=$(digest_of "$tmp/longref/out")
check "reference run of the longer job: exit 0 with a digest (got $RC, '$LONG_REF')" test "$RC" = 0 -a -n "$LONG_REF"
REF=$SHORT_REF

lost=0 cases=0 resume_np=1
: >"$tmp/lost.log"
: >"$tmp/twice.log"

# resume DIR LABEL — reruns the job on the same checkpoint at the next rank count of 1, 3, 4 and
# checks: complete, the reference digest, and that it reused exactly what the journal held.
resume() {
  local dir=$1 label=$2 held
  held=$(segs "$dir/ck")
  mkdir -p "$dir/r"
  resume_np=$(( ${3:-1} % 3 == 0 ? 1 : ${3:-1} % 3 == 1 ? 3 : 4 ))
  launch "$dir/r" "$resume_np" -- "${JOB[@]}" -q --checkpoint "$dir/ck" --status "$dir/status" \
    --json "$dir/runs.jsonl"
  finish "$MPID" 120
  local d st reused
  d=$(digest_of "$dir/r/out")
  st=$(field "$dir/status" state)
  reused=$(field "$dir/status" segments_reused)
  if [ "$RC" = 0 ] && [ "$st" = complete ] && [ "$d" = "$REF" ] && [ "$reused" = "$held" ]; then
    return 0
  fi
  echo "#   $label: resume at np $resume_np: exit $RC, state $st, digest $d (want $REF), reused $reused of the $held the journal held"
  sed 's/^/#     /' "$dir/r/log" | head -n 8
  [ "$d" != "$REF" ] && echo 1 >>"$tmp/twice.log"
  [ -n "$reused" ] && [ "$reused" != null ] && [ "$reused" -lt "$held" ] && echo $((held - reused)) >>"$tmp/lost.log"
  return 1
}

# one_case NAME WANT_STATE REPEAT — one run of a failure case; the caller has started it (launch)
# and done the damage; this waits, settles, checks and resumes.
settle_and_check() {
  local dir=$1 name=$2 want=$3 limit=$4 repeat=$5
  finish "$MPID" "$limit"
  local launcher=$RC verdict=0 st
  "$REPORT" --settle "$dir/status" --launcher-exit "$launcher" --launcher-log "$dir/log" >"$dir/settle" 2>&1 ||
    verdict=$?
  st=$(field "$dir/status" state)
  local bad=""
  [ "$launcher" = 124 ] && bad="$bad; mpirun outlived its time limit"
  [ "$st" = "$want" ] || bad="$bad; state '$st', want '$want'"
  case "$want" in
    interrupted) [ "$verdict" = 75 ] || bad="$bad; settle exit $verdict, want 75" ;;
    failed) [ "$verdict" != 0 ] && [ "$verdict" != 75 ] || bad="$bad; settle exit $verdict for failed" ;;
  esac
  local held remaining
  held=$(segs "$dir/ck")
  remaining=$(field "$dir/status" segments_remaining)
  [ "$remaining" = "$((SEGMENTS - held))" ] ||
    bad="$bad; status says $remaining segments remain, the journal lacks $((SEGMENTS - held))"
  no_partial_output "$dir" || bad="$bad; a partial output"
  if [ -n "$bad" ]; then
    echo "#   $name: ${bad#; } ($(head -c 300 "$dir/settle"))"
    sed 's/^/#     /' "$dir/log" | tail -n 6
    return 1
  fi
  resume "$dir" "$name" "$repeat"
}

# run_case NAME WANT_STATE SETUP — REPEATS times: a fresh directory, SETUP (which launches and
# does the damage), then the checks. One "ok" line per case with its count.
# The repeats run PARALLEL at a time, each in a subshell of its own (mpirun's teardown after a
# fault is mostly waiting; the checks do not depend on timing).
PARALLEL=${MSC_FAULT_PARALLEL:-4}
run_case() {
  local name=$1 want=$2 setup=$3 i good=0
  cases=$((cases + 1))
  for ((i = 1; i <= REPEATS; i++)); do
    while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do wait -n; done
    (
      dir="$tmp/$name.$i"
      mkdir -p "$dir"
      if "$setup" "$dir" && settle_and_check "$dir" "$name" "$want" 90 "$i"; then
        echo ok >"$dir/result"
      fi
      rm -rf "$dir/session"
    ) &
  done
  wait
  for ((i = 1; i <= REPEATS; i++)); do
    [ -f "$tmp/$name.$i/result" ] && good=$((good + 1))
  done
  check "$name: status '$want', no partial output, resumed to the reference digest ($good of $REPEATS)" \
    test "$good" = "$REPEATS"
}

ck_args() { echo --checkpoint "$1/ck" --status "$1/status"; }

# --- a rank dies mid-compute ------------------------------------------------------------------
inject() { # inject DIR SPEC [extra args]
  local dir=$1 spec=$2; shift 2
  # shellcheck disable=SC2046
  launch "$dir" 2 MSC_FAULT="$spec" -- "${JOB[@]}" -q $(ck_args "$dir") "$@"
}
case_exit() { inject "$1" exit:1:20; }
case_segv() { inject "$1" segv:1:20; }
case_oom() { inject "$1" kill:1:20; }
case_abort() { inject "$1" abort:1:20; }
case_gather() { inject "$1" kill:0:gather; }
case_output() { inject "$1" kill:0:output --json "$1/runs.jsonl" --report "$1/report.txt"; }
output_written() { # output_written — how many of the case's directories have a report or record
  local i n=0
  for ((i = 1; i <= REPEATS; i++)); do
    [ -e "$tmp/rank0_killed_writing_outputs.$i/report.txt" ] && n=$((n + 1))
    [ -s "$tmp/rank0_killed_writing_outputs.$i/runs.jsonl" ] &&
      [ "$(wc -l <"$tmp/rank0_killed_writing_outputs.$i/runs.jsonl")" != 1 ] && n=$((n + 1))
  done
  echo "$n"
}
run_case rank_exits failed case_exit
run_case rank_segfaults failed case_segv
run_case rank_sigkilled_oom failed case_oom
run_case rank_calls_mpi_abort failed case_abort
run_case rank0_killed_in_gather failed case_gather
run_case rank0_killed_writing_outputs failed case_output
# that case's outputs: rank 0 died before them, so the report was never written and the JSON
# Lines file holds only the resumed run's one record (the resume writes it)
n=$(output_written)
check "rank 0 killed before its outputs: no report file, one JSON record after the resume ($n wrong)" test "$n" = 0

# --- stop requests and kills from outside ------------------------------------------------------
case_term_mpirun() { # SIGTERM to mpirun: it passes SIGTERM to the ranks a second later
  # shellcheck disable=SC2046
  launch "$1" 2 -- "${JOB[@]}" -q $(ck_args "$1")
  wait_for_journal "$1/ck" 30 30 || return 1
  kill -TERM "$MPID"
}
case_kill_mpirun() {
  # shellcheck disable=SC2046
  launch "$1" 2 -- "${JOB[@]}" -q $(ck_args "$1")
  wait_for_journal "$1/ck" 30 30 || return 1
  kill -KILL "$MPID"
}
case_hang() { # a rank that hangs: only mpirun --timeout ends the job
  # shellcheck disable=SC2046
  MPIRUN_EXTRA="--timeout 4" launch "$1" 2 MSC_FAULT=hang:1:20 -- "${JOB[@]}" -q $(ck_args "$1")
}
# (ranks outlive a mpirun killed outright by a second or so, and would finish a short job)
JOB=("${LONG[@]}") REF=$LONG_REF
run_case sigterm_to_mpirun interrupted case_term_mpirun
run_case sigkill_to_mpirun interrupted case_kill_mpirun
JOB=("${SHORT[@]}") REF=$SHORT_REF
run_case hung_rank_outer_timeout failed case_hang

# --- SIGUSR1 to the job shell (jobs/local/resumable.sh), which asks the ranks to stop ----------
usr1_good=0
cases=$((cases + 1))
for ((i = 1; i <= REPEATS; i++)); do
  dir="$tmp/usr1.$i"
  mkdir -p "$dir"
  MSC_BIN=$BIN MSC_REPORT_BIN=$REPORT MSC_NP=2 MSC_WORKDIR=$dir MSC_WATCHDOG_S=10 \
    MSC_MPIRUN_ARGS="--oversubscribe --mca btl self,vader,tcp" \
    bash "$JOBS/local/resumable.sh" "${JOB[@]}" -q >"$dir/job.out" 2>&1 &
  job=$!
  wait_for_journal "$dir/run.journal" 30 30
  kill -USR1 "$job"
  MPID=$job finish "$job" 60
  st=$(field "$dir/run.status" state)
  held=$(segs "$dir/run.journal")
  if [ "$RC" = 75 ] && [ "$st" = interrupted ] && [ "$(field "$dir/run.status" segments_remaining)" = $((SEGMENTS - held)) ] &&
     [ ! -e "$dir/run.report" ] && no_partial_output "$dir"; then
    # resume with the same script, at 1 rank
    MSC_BIN=$BIN MSC_REPORT_BIN=$REPORT MSC_NP=1 MSC_WORKDIR=$dir \
      bash "$JOBS/local/resumable.sh" "${JOB[@]}" -q >"$dir/job2.out" 2>&1
    rc2=$?
    if [ "$rc2" = 0 ] && [ "$(field "$dir/run.status" digest)" = "$REF" ] &&
       [ "$(field "$dir/run.status" segments_reused)" = "$held" ] && [ -s "$dir/run.report" ]; then
      usr1_good=$((usr1_good + 1))
    else
      echo "#   usr1.$i: resume exit $rc2, status $(field "$dir/run.status" state) $(field "$dir/run.status" digest)"
      sed 's/^/#     /' "$dir/job2.out" | tail -n 5
    fi
  else
    echo "#   usr1.$i: job exit $RC, state $st"
    sed 's/^/#     /' "$dir/job.out" | tail -n 5
  fi
done
check "SIGUSR1 to the job shell: exit 75, status interrupted, no report; the script resumes it to the reference digest ($usr1_good of $REPEATS)" \
  test "$usr1_good" = "$REPEATS"

# --- a full disk or a file size limit while writing the results ------------------------------
# Odd repeats: `ulimit -f` on the ranks (write fails with EFBIG; mpiscale ignores SIGXFSZ). Even
# repeats, as root: the results file on a 128 KiB tmpfs that is nearly full (ENOSPC). The limit is
# set inside each rank, not around mpirun: Open MPI's own shared-memory files would exceed it (the
# ranks use TCP between themselves here for the same reason).
cases=$((cases + 1))
fsz_good=0 can_mount=0
if [ "$(id -u)" -eq 0 ] && mkdir -p "$tmp/mnt-probe" && mount -t tmpfs -o size=128k tmpfs "$tmp/mnt-probe" 2>/dev/null; then
  umount "$tmp/mnt-probe"
  can_mount=1
fi
[ "$can_mount" = 1 ] || echo "# not root or no mount: every repeat uses ulimit -f (EFBIG), none a full tmpfs (ENOSPC)"
for ((i = 1; i <= REPEATS; i++)); do
  dir="$tmp/fsize.$i"
  mkdir -p "$dir/disk"
  full=0
  if [ $((i % 2)) = 0 ] && [ "$can_mount" = 1 ]; then
    mount -t tmpfs -o size=128k tmpfs "$dir/disk" && full=1
  fi
  # a results file just below the limit: the record does not fit (the journal is elsewhere)
  python3 -c 'import json,sys
with open(sys.argv[1],"w") as f:
    while f.tell() < 63000: f.write(json.dumps({"filler": "x" * 200}) + "\n")' "$dir/disk/runs.jsonl"
  cp "$dir/disk/runs.jsonl" "$dir/runs.before"
  [ "$full" = 1 ] && python3 -c 'import sys
open(sys.argv[1],"wb").write(b"\0" * 60000)' "$dir/disk/ballast"
  limit_words="ulimit -f 64;"
  [ "$full" = 1 ] && limit_words=""
  pid_dir=$dir
  mkdir -p "$dir/session"
  mpirun --oversubscribe --mca orte_tmpdir_base "$dir/session" --mca pml ob1 --mca btl self,tcp -np 2 \
    sh -c "$limit_words exec \"\$0\" \"\$@\"" "$BIN" "${JOB[@]}" -q --checkpoint "$dir/ck" --status "$dir/status" \
    --json "$dir/disk/runs.jsonl" </dev/null >"$dir/out" 2>"$dir/log" &
  MPID=$!
  finish "$MPID" 60
  st=$(field "$dir/status" state)
  want_err="File too large"
  [ "$full" = 1 ] && want_err="No space left on device"
  if [ "$RC" = 3 ] && [ "$st" = failed ] && cmp -s "$dir/disk/runs.jsonl" "$dir/runs.before" &&
     ! find "$dir/disk" -maxdepth 1 -name '.*.tmp.*' | grep -q . && grep -q "$want_err" "$dir/status"; then
    [ "$full" = 1 ] && umount "$dir/disk"
    if resume "$dir" fsize "$i"; then fsz_good=$((fsz_good + 1)); fi
  else
    echo "#   fsize.$i: exit $RC, state $st, message $(field "$dir/status" message) (want '$want_err')"
    [ "$full" = 1 ] && umount "$dir/disk"
  fi
done
check "a full disk or file size limit on the results: exit 3, status failed naming the error, the old file byte-identical, no temporary file; resumed ($fsz_good of $REPEATS)" \
  test "$fsz_good" = "$REPEATS"

# --- 30 random interrupts in a row, resumed each time -----------------------------------------
# Each interrupt lets the run go on for up to a second more (mpirun passes SIGTERM on a second
# later; a killed rank takes the others down about as late), so 30 of them need about 50 rank
# seconds of work to stop runs that still have some: the sleep kernel (4000 segments of 20 ms,
# 80 rank seconds, no CPU, so 8 ranks on 2 cores cost nothing). Its partials are element counts:
# a segment lost or counted twice still shows (the gather's exactly-once check, the exact total,
# the journal's segment lines); the cases above check real partials (do_math).
BIG=(--kernel sleep --param usec=2000 --range 0:40000 --segments 4000)
BIG_SEGMENTS=4000
mkdir -p "$tmp/bigref"
launch "$tmp/bigref" 8 -- "${BIG[@]}" -q
finish "$MPID" 300
BIGREF=$(digest_of "$tmp/bigref/out")
dir="$tmp/random"
mkdir -p "$dir"
prev=0 monotone=1 dup=0 methods="" hit=0
for ((k = 1; k <= RANDOM_POINTS; k++)); do
  np=$((RANDOM % 4 + 1))
  method=$((RANDOM % 4))
  rm -rf "$dir/session"
  # shellcheck disable=SC2046
  launch "$dir" "$np" -- "${BIG[@]}" -q $(ck_args "$dir")
  sleep "0.$((RANDOM % 5 + 3))"
  case $method in
    0) kill -TERM "$MPID"; methods+="T" ;;
    1) kill -KILL "$MPID"; methods+="K" ;;
    2) victim=$(rank_pid $((RANDOM % np))); [ -n "$victim" ] && kill -KILL "$victim"; methods+="R" ;;
    3) kill -USR1 "$MPID"; methods+="U" ;;
  esac
  finish "$MPID" 60
  "$REPORT" --settle "$dir/status" --launcher-exit "$RC" --launcher-log "$dir/log" >/dev/null 2>&1
  held=$(segs "$dir/ck")
  [ "$held" -lt "$BIG_SEGMENTS" ] && hit=$((hit + 1))
  distinct=$(grep '^seg=' "$dir/ck" | cut -d' ' -f1 | sort -u | wc -l)
  [ "$distinct" = "$held" ] || dup=$((dup + held - distinct))
  if [ "$held" -lt "$prev" ]; then
    monotone=0
    lost=$((lost + prev - held))
    echo "#   interrupt $k (np $np, method $method): the journal shrank from $prev to $held segments"
  fi
  prev=$held
  [ "$(field "$dir/status" state)" = running ] && { monotone=0; echo "#   interrupt $k: status still 'running' after --settle"; }
done
echo "# after $RANDOM_POINTS interrupts ($methods): $prev of $BIG_SEGMENTS segments in the journal; $hit of them stopped a run with segments left"
check "most of the $RANDOM_POINTS interrupts stopped a run that had work left ($hit)" test "$hit" -ge $((RANDOM_POINTS * 2 / 3))
check "$RANDOM_POINTS random interrupts: the journal never lost a segment (segments lost: $lost)" test "$monotone" = 1
check "$RANDOM_POINTS random interrupts: no segment recorded twice ($dup)" test "$dup" = 0
rm -rf "$dir/session"
held=$prev
launch "$dir" 8 -- "${BIG[@]}" -q $(ck_args "$dir")
finish "$MPID" 300
check "the final resume: exit 0, the uninterrupted digest $BIGREF, $held segments reused (got $RC, $(digest_of "$dir/out"), $(field "$dir/status" segments_reused))" \
  test "$RC" = 0 -a "$(digest_of "$dir/out")" = "$BIGREF" -a "$(field "$dir/status" segments_reused)" = "$held"

lost=$((lost + $(awk '{ s += $1 } END { print s + 0 }' "$tmp/lost.log")))
twice=$(awk '{ s += $1 } END { print s + 0 }' "$tmp/twice.log")
echo "# fault suite: $cases cases x $REPEATS repeats + $RANDOM_POINTS random interrupts; $(wc -l <"$tmp/launches") launches; segments lost: $lost; runs with a wrong digest: $twice"
check "segments lost: 0, runs with a wrong digest (a segment counted twice or lost): 0" test "$lost" = 0 -a "$twice" = 0
cli_finish
