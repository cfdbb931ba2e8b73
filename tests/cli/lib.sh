# lib.sh — shared by the command-line test scripts (sourced, not run): argument check, a scratch
# directory removed on exit, TAP-like "ok - / not ok -" lines and the closing "N passed, M failed".
# The sourcing script sets `set -uo pipefail` itself and calls `cli_start "$@"` first.

cli_start() { # cli_start "$@" — sets BIN and tmp, or exits 2 with the usage line
  if [ $# -ne 1 ] || [ -z "${MSC_MPI_RUN:-}" ]; then
    echo "usage: MSC_MPI_RUN=/path/to/mpi_run.sh bash $(basename "$0") /path/to/mpiscale" >&2
    exit 2
  fi
  BIN=$1
  tmp=$(mktemp -d) || exit 1
  trap 'rm -rf "$tmp"' EXIT
  passed=0
  failed=0
}

ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND... — passes when COMMAND succeeds
  local what=$1; shift
  if "$@"; then ok "$what"; else notok "$what"; fi
}
tally() { # tally OUTPUT — echoes a checker's lines and counts its ok / not ok lines
  [ -n "$1" ] || return 0
  printf '%s\n' "$1"
  passed=$((passed + $(grep -c '^ok - ' <<<"$1")))
  failed=$((failed + $(grep -c '^not ok - ' <<<"$1")))
}
cli_finish() { # prints the closing line; the script's status is whether anything failed
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
