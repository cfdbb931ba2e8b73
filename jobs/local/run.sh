#!/usr/bin/env bash
# run.sh — the default local job: installs what is missing and builds (setup.sh), then runs
# mpiscale on every core of this machine. With no arguments that is the do_math kernel over its
# default range; any arguments go to mpiscale unchanged, e.g.
#   ./jobs/local/run.sh --kernel primes --range 0:2M --json results.jsonl
# Exits with mpiscale's exit code (0 complete, 2 invalid input, 3 output I/O error, 4 verification
# failed, 70 internal error). No time limit: real jobs can run for a long time.
#   MSC_NP=N   use N ranks instead of one per core (nproc)
set -euo pipefail

# shellcheck source=jobs/local/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

np="${MSC_NP:-$(nproc)}"
mca=(--mca pml ob1)
# ... unless this machine has an InfiniBand or Omni-Path adapter, which Open MPI should then use.
if [ -n "$(ls -A /sys/class/infiniband 2>/dev/null)" ] || compgen -G '/dev/hfi1*' >/dev/null; then mca=(); fi
echo "mpiscale run: mpirun -q -np $np ${mca[*]} build/mpiscale $*"
# --mca pml ob1 selects Open MPI's plain point-to-point layer directly. Left to itself, Open MPI
# probes the psm/psm2 (Omni-Path) and InfiniBand transports first; on a machine without that
# hardware the probe finds nothing and costs time on every launch: on a 2-core Debian 12 VM,
# `mpirun -np 2 mpiscale --version` took a median of 0.57 s by default and 0.28 s with ob1 (5 runs).
# -q keeps mpirun's own multi-line notice off stderr when mpiscale exits non-zero, so a bad input
# shows mpiscale's one error line and nothing else.
# The binary is named by its full path rather than by cd-ing to the repo, so relative paths in the
# arguments (--json out.jsonl) stay relative to the directory you ran this from.
exec mpirun -q -np "$np" "${mca[@]}" "$MSC_ROOT/build/mpiscale" "$@"
