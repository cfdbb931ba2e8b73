#!/usr/bin/env bash
# mpi_run.sh NP SECONDS COMMAND [ARGS...] — runs COMMAND under mpirun with NP ranks and a hard time
# limit, so a hung test fails instead of stalling CI. Allows more ranks than cores
# (--oversubscribe), silences mpirun's own banner on a non-zero exit (-q) and, only when running as root, tells Open MPI that root is intended.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: mpi_run.sh NP SECONDS COMMAND [ARGS...]" >&2
  exit 2
fi
np=$1; limit=$2; shift 2
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# ob1 avoids probing for fabrics this machine lacks (about 0.2 s per launch); the outer timeout
# sends TERM and then KILL if mpirun itself does not end.
exec timeout -k 10 "$limit" mpirun -q --oversubscribe --mca pml ob1 --mca btl self,vader,tcp \
  -np "$np" "$@"
