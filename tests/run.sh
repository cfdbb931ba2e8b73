#!/usr/bin/env bash
# run.sh — the whole test suite: installs what is missing and builds (jobs/local/setup.sh), then
# runs every test with ctest, one at a time (the MPI tests start up to 4 ranks each, and running
# them side by side would distort their timings). ctest's summary is the last thing printed, and
# its exit code is this script's.
set -euo pipefail

# shellcheck source=jobs/local/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/../jobs/local/setup.sh"

cd "$MSC_ROOT"
# An inherited CTEST_PARALLEL_LEVEL would run tests in parallel; -j 1 overrides it.
exec ctest --test-dir build --output-on-failure -j 1
