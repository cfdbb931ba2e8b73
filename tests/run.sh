#!/usr/bin/env bash
# run.sh — the whole test suite: installs what is missing and builds (jobs/local/setup.sh), then
# (under CI=true or MSC_SANITIZE=1) the unit and MPI tests in a sanitizer build, then runs every
# test with ctest, one at a time (the MPI tests start up to 4 ranks each, and running
# them side by side would distort their timings). ctest's summary is the last thing printed, and
# its exit code is this script's.
set -euo pipefail

# shellcheck source=jobs/local/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/../jobs/local/setup.sh"

cd "$MSC_ROOT"

# Under CI=true (or MSC_SANITIZE=1), first the unit and MPI tests once more, built with
# AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/ (Debug): a finding aborts the
# test. Leak checking stays on for the unit tests and is off under mpirun, where Open MPI's own
# allocations at exit would be reported.
sanitize_rc=0
if [ "${CI:-}" = true ] || [ "${MSC_SANITIZE:-0}" = 1 ]; then
  echo "mpiscale tests: the sanitizer build (build-asan/, ASan + UBSan)"
  werror=OFF
  [ "${CI:-}" = true ] && werror=ON
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMSC_SANITIZE=ON -DMSC_BUILD_TESTS=ON \
    -DMSC_WERROR="$werror" >/dev/null
  cmake --build build-asan -j "$(nproc)" --target msc_unit_tests msc_mpi_tests
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L unit || sanitize_rc=$?
  ASAN_OPTIONS=detect_leaks=0 ctest --test-dir build-asan --output-on-failure -j 1 -L mpi ||
    sanitize_rc=$?
  echo "mpiscale tests: sanitizer build: $([ "$sanitize_rc" = 0 ] && echo clean || echo FAILED)"
fi

# Under CI=true (or MSC_FUZZ=1), the libFuzzer targets of tests/fuzz (the command-line parser and
# the checkpoint journal reader), built with clang, ASan and UBSan into build-fuzz/, for
# MSC_FUZZ_SECONDS (default 60) each on a scratch copy of their seed corpus: a crash, a sanitizer
# report or a broken invariant fails the run.
fuzz_rc=0
if [ "${CI:-}" = true ] || [ "${MSC_FUZZ:-0}" = 1 ]; then
  echo "mpiscale tests: fuzzing (build-fuzz/, libFuzzer + ASan + UBSan)"
  bash tests/fuzz/run.sh "${MSC_FUZZ_SECONDS:-60}" || fuzz_rc=$?
fi

# The whole suite, last, so that ctest's summary is the last thing printed. An inherited
# CTEST_PARALLEL_LEVEL would run tests in parallel; -j 1 overrides it.
rc=0
ctest --test-dir build --output-on-failure --no-label-summary -j 1 || rc=$?
[ "$rc" = 0 ] && rc=$sanitize_rc
[ "$rc" = 0 ] && rc=$fuzz_rc
exit "$rc"
