#!/usr/bin/env bash
# mpi_run.sh NP SECONDS COMMAND [ARGS...] — runs COMMAND under mpirun with NP ranks and a hard time
# limit, so a hung test fails instead of stalling CI. Allows more ranks than cores
# (--oversubscribe), silences mpirun's own banner on a non-zero exit (-q) and, only when running
# as root, tells Open MPI that root is intended.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: mpi_run.sh NP SECONDS COMMAND [ARGS...]" >&2
  exit 2
fi
np=$1; limit=$2; shift 2
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Concurrent mpiruns share Open MPI's session directory under $TMPDIR and race on creating and
# removing it ("ORTE_ERROR_LOG: Error in file util/session_dir.c at line 107", seen here in about
# one run in six of a script that starts three at once); a private one per launch avoids that.
session=$(mktemp -d "${TMPDIR:-/tmp}/msc-mpirun.XXXXXX")
trap 'rm -rf "$session"' EXIT
# ob1 avoids probing for fabrics this machine lacks; the outer timeout sends TERM and then KILL if
# mpirun itself does not end. stdin is not forwarded: mpirun would otherwise consume the caller's.
rc=0
timeout -k 10 "$limit" mpirun -q --oversubscribe --mca orte_tmpdir_base "$session" \
  --mca pml ob1 --mca btl self,vader,tcp -np "$np" "$@" </dev/null || rc=$?
exit "$rc"
