#!/usr/bin/env bash
# setup.sh — gets this machine ready to run mpiscale: installs the Debian/Ubuntu packages that are
# missing (apt-get, as root or through sudo), configures and builds the project into build/ at the
# repo root, and, only when running as root, allows Open MPI to start ranks as root.
#
#   bash jobs/local/setup.sh      install + build (the exports below end with the script)
#   . jobs/local/setup.sh         the same, and keeps MSC_ROOT and the OMPI_* exports in your shell
#                                 (the work runs in a subshell under set -euo pipefail, so sourcing
#                                 leaves your shell's options alone and returns non-zero on failure)
#
# Works from any directory: the repo root is found from this file's own location. Does nothing to
# the system when every package is already installed. Environment knobs:
#   CI=true                     build with -DMSC_WERROR=ON (warnings are errors)
#   MSC_SETUP_EXTRA_PACKAGES    more package names to require (space-separated)
#   MSC_SETUP_DRY_RUN=1         print the apt-get and cmake commands instead of running them
MSC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export MSC_ROOT

# openssh-client: Open MPI 4.1's mpirun refuses to start without an ssh (or rsh) on PATH, even for
# ranks on this machine only ("FORCE-TERMINATE AT Not found:-13 ... plm_rsh_component.c"), and
# openmpi-bin does not pull it in. python3: the command-line tests' exact references.
# zlib1g-dev: CRC-32 for the checkpoint journal. gnuplot-nox: mpiscale-report's plots. For the tests only: chromium renders the HTML report
# headless, libpng-dev reads its screenshot and the plots back, libxml2-utils (xmllint) checks SVG;
# clang with libclang-rt-14-dev (libFuzzer and the sanitizer runtimes, only recommended by clang)
# and llvm-14 (llvm-symbolizer, for readable stack traces) build and run tests/fuzz.
# slurm-wlm and munge: the job scripts' test submits them to a local Slurm cluster it starts;
# environment-modules and man-db: the install test loads the modulefile and renders the man pages.
# iproute2: the multi-node tests make their simulated nodes with ip netns.
MSC_SETUP_PACKAGES="build-essential cmake openmpi-bin openssh-client libopenmpi-dev libgtest-dev
libjansson-dev librandom123-dev zlib1g-dev python3 gnuplot-nox chromium libpng-dev libxml2-utils
clang libclang-rt-14-dev llvm-14 slurm-wlm munge environment-modules man-db iproute2 python3-mpi4py"

msc_setup_say() { echo "mpiscale setup: $*"; }

# Runs "$@", or only prints it under MSC_SETUP_DRY_RUN=1.
msc_setup_do() {
  if [ "${MSC_SETUP_DRY_RUN:-0}" = 1 ]; then
    echo "mpiscale setup: (dry run) $*"
  else
    "$@"
  fi
}

# Prints the required packages that dpkg does not report as installed, one per line.
msc_setup_missing() {
  local pkg status
  for pkg in $MSC_SETUP_PACKAGES ${MSC_SETUP_EXTRA_PACKAGES:-}; do
    # "${Status}" is e.g. "install ok installed"; removed-but-configured packages read
    # "deinstall ok config-files" and unknown names make dpkg-query fail: both count as missing.
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    case "$status" in
      *" ok installed") ;;
      *) echo "$pkg" ;;
    esac
  done
}

msc_setup_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    msc_setup_say "dpkg-query not found (not Debian/Ubuntu?): skipping the package check;" \
      "install a C/C++ compiler, CMake >= 3.20, Open MPI, GoogleTest, jansson and Random123" \
      "yourself"
    return 0
  fi
  local missing
  missing="$(msc_setup_missing | tr '\n' ' ')"
  missing="${missing% }"
  if [ -z "$missing" ]; then
    return 0
  fi
  local -a as_root
  if [ "$(id -u)" -eq 0 ]; then
    as_root=(env DEBIAN_FRONTEND=noninteractive)
  elif command -v sudo >/dev/null 2>&1; then
    # sudo resets the environment by default, so the variable is passed through env.
    as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
  else
    echo "mpiscale setup: missing packages: $missing" >&2
    echo "mpiscale setup: cannot install them: not root and sudo is not available;" \
      "as root run: apt-get install -y --no-install-recommends $missing" >&2
    return 1
  fi
  msc_setup_say "installing $missing"
  msc_setup_do "${as_root[@]}" apt-get update || return
  # shellcheck disable=SC2086 # $missing is a list of package names, split on purpose
  msc_setup_do "${as_root[@]}" apt-get install -y --no-install-recommends $missing || return
}

# True when build/ is already configured the way msc_setup_build wants it: Release, tests on, the
# given MSC_WERROR, this source tree, a generated build system. Configuring again would only cost
# time and output: `cmake --build` re-runs CMake by itself when a CMakeLists.txt changes.
msc_setup_configured() {
  local cache="$MSC_ROOT/build/CMakeCache.txt"
  [ -f "$cache" ] &&
    { [ -f "$MSC_ROOT/build/Makefile" ] || [ -f "$MSC_ROOT/build/build.ninja" ]; } &&
    grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$MSC_ROOT" "$cache" &&
    grep -qxF "CMAKE_BUILD_TYPE:STRING=Release" "$cache" &&
    grep -qxF "MSC_BUILD_TESTS:BOOL=ON" "$cache" &&
    grep -qxF "MSC_SANITIZE:BOOL=OFF" "$cache" &&
    grep -qxF "MSC_WERROR:BOOL=$1" "$cache"
}

msc_setup_build() {
  local werror=OFF
  if [ "${CI:-}" = true ]; then
    werror=ON
  fi
  msc_setup_say "building (Release, MSC_WERROR=$werror) in build/"
  (
    cd "$MSC_ROOT" || exit
    # Every option is set explicitly, so a tree configured by hand (tests off) or once under
    # CI=true (warnings as errors) is put back the way these scripts need it.
    if ! msc_setup_configured "$werror"; then
      msc_setup_do cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMSC_BUILD_TESTS=ON \
        -DMSC_SANITIZE=OFF -DMSC_WERROR="$werror" || exit
    fi
    msc_setup_do cmake --build build -j "$(nproc)" || exit
  ) || return
}

# Each step also checks its own status, so a failure stops the setup even where a caller's
# context (`. setup.sh || ...`) switches set -e off.
msc_setup_main() {
  msc_setup_packages || return
  msc_setup_build || return
}

if (return 0 2>/dev/null); then
  # Sourced: keep the caller's shell options; stop here with the status if the work failed.
  # Not `( ... ) || rc=$?`: that would switch set -e off inside the subshell. A caller running
  # under set -e exits here with the status, as with any failing command.
  (set -euo pipefail; msc_setup_main)
  msc_setup_rc=$?
  if [ "$msc_setup_rc" -ne 0 ]; then
    return "$msc_setup_rc"
  fi
else
  set -euo pipefail
  msc_setup_main
fi

# Open MPI refuses to start ranks as root unless told that this is intended.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
msc_setup_say "ready: build/mpiscale"
