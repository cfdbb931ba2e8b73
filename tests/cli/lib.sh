# shellcheck shell=bash
# lib.sh — shared by the command-line test scripts (sourced, not run): argument check, a scratch
# directory removed on exit, TAP-like "ok - / not ok -" lines and the closing "N passed, M failed",
# strip_mpirun, which drops mpirun's own notices from a captured stderr, and run / rc / has, the
# common way to launch mpiscale and look at what it did.
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
check() { # check DESCRIPTION COMMAND... — passes when COMMAND succeeds; returns its verdict, so
  local what=$1; shift # `check ... || show_log` can add the evidence to a failure
  if "$@"; then ok "$what"; else notok "$what"; return 1; fi
}
tally() { # tally OUTPUT — echoes a checker's lines and counts its ok / not ok lines
  [ -n "$1" ] || return 0
  printf '%s\n' "$1"
  passed=$((passed + $(grep -c '^ok - ' <<<"$1")))
  failed=$((failed + $(grep -c '^not ok - ' <<<"$1")))
}
require_root() { # require_root WHY — exits 77 (ctest: skipped) when not root; under CI=true, which
  [ "$(id -u)" -eq 0 ] && return 0 # runs as root, a missing root is a failure instead
  echo "# needs root: $1"
  [ "${CI:-}" = true ] && { echo "not ok - not root under CI=true"; exit 1; }
  exit 77
}
status_field() { # status_field FILE KEY — a value of a status file (pretty JSON, one key per line)
  sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" 2>/dev/null | head -n 1
}
jsonl() { # jsonl FILE EXPR — passes when the Python EXPR holds, rs being FILE's JSON Lines records
  python3 - "$1" "$2" <<'PY'
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
cli_finish() { # prints the closing line; the script's status is whether anything failed
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# Open MPI adds framed "Primary job terminated normally ... non-zero exit code" / "mpirun detected
# that one or more processes exited with non-zero status" notices to stderr whenever a rank exits
# non-zero. They are mpirun's, not mpiscale's: drop exactly those frames and keep everything else
# (an MPI_Abort banner, for one, stays and fails the one-line check). Also dropped: libevent's
# "[warn] Epoll MOD(1) on fd 26 failed ... Bad file descriptor", which Open MPI's runtime prints
# now and then while a job winds down (open-mpi/ompi#2004; seen here at 4 ranks, exit code 2).
strip_mpirun() { # strip_mpirun FILE — FILE's non-empty lines without mpirun's exit notices
  awk '
    /^\[warn\] Epoll [A-Z]+\([0-9]+\) on fd [0-9]+ failed\./ { next }
    /^--------------------+$/ {
      if (inblock) {
        if (block !~ /terminated normally, but|exited with non-zero status/) print kept block $0
        block = ""; kept = ""; inblock = 0
      } else {
        inblock = 1; kept = $0 "\n"
      }
      next
    }
    NF == 0 { next }
    inblock { block = block $0 "\n"; next }
    { print }
    END { if (inblock) printf "%s", kept block }
  ' "$1"
}

# The common way to run mpiscale in these scripts (each sets LIMIT, seconds per launch):
run() { # run ID NP ARGS... — stdout, mpiscale's stderr and exit code into $tmp/ID.*
  local id=$1 np=$2; shift 2
  "$MSC_MPI_RUN" "$np" "${LIMIT:-120}" "$BIN" "$@" >"$tmp/$id.out" 2>"$tmp/$id.raw"
  echo $? >"$tmp/$id.rc"
  strip_mpirun "$tmp/$id.raw" >"$tmp/$id.err"
}
rc() { cat "$tmp/$1.rc"; }                    # rc ID — the exit code of run ID
has() { grep -qF -- "$2" "$tmp/$1.out"; }     # has ID TEXT — run ID's stdout holds TEXT
