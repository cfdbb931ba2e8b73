#!/usr/bin/env bash
# install.sh BUILD_DIR — the install layout of issue 6: `cmake --install BUILD_DIR --prefix TMP`
# into a fresh temporary directory must give exactly the documented files (the programs, the job
# library, both man pages, the job templates of the source tree with their execute bits, the
# modulefile and the README), the installed programs must run and print the project version,
# `man mpiscale` must render without warnings, and the modulefile must work with Environment
# Modules: load puts the programs, the man pages and MPISCALE_JOBS in place, unload takes them
# away. Also: a DESTDIR install keeps the real prefix in the modulefile, and the build directory
# holds a current copy of the job library next to mpiscale. One line per check, then a summary;
# exits 1 on any failure. Needs cmake, man-db (groff-base) and environment-modules.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
  echo "usage: install.sh BUILD_DIR (a configured and built CMake build directory)" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpiscale-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
# man-db drops root privileges to its own user to read pages: the tree must be readable by others.
chmod 755 "$tmp"
prefix=$tmp/prefix

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# ---- the install itself ------------------------------------------------------------------------
if [ -z "$version" ]; then
  fail "project version: no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
  finish
fi
if cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
  ok "cmake --install $build --prefix <tmp>"
else
  fail "cmake --install $build --prefix <tmp>:"
  sed 's/^/     /' "$tmp/install.log"
  finish
fi

# ---- exactly the documented files --------------------------------------------------------------
# The job templates: every *.sh, *.sbatch, *.pbs and README.md under the source's jobs/, but for
# the checkout-only local/setup.sh and local/run.sh (they install packages and build the checkout).
job_files=$(cd "$src/jobs" && find . -type f \( -name '*.sh' -o -name '*.sbatch' -o -name '*.pbs' \
  -o -name README.md \) ! -path ./local/setup.sh ! -path ./local/run.sh | sed 's|^\./||' | LC_ALL=C sort)
{
  printf '%s\n' bin/mpiscale bin/mpiscale-report bin/mpiscale-job.sh \
    share/man/man1/mpiscale.1 share/man/man1/mpiscale-report.1 \
    "share/modulefiles/mpiscale/$version" share/doc/mpiscale/README.md
  printf '%s\n' "$job_files" | sed 's|^|share/mpiscale/jobs/|'
} | LC_ALL=C sort >"$tmp/expected"
(cd "$prefix" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/actual"
LC_ALL=C comm -23 "$tmp/expected" "$tmp/actual" >"$tmp/missing"
LC_ALL=C comm -13 "$tmp/expected" "$tmp/actual" >"$tmp/extra"
if [ ! -s "$tmp/missing" ] && [ ! -s "$tmp/extra" ]; then
  ok "installed files are exactly the $(wc -l <"$tmp/expected") documented ones"
else
  fail "installed files differ from the documented layout:"
  sed 's/^/     missing: /' "$tmp/missing"
  sed 's/^/     unexpected: /' "$tmp/extra"
fi
# A file in jobs/ of another kind would be left out of the install without a word: say so.
# (Dot files and editor backups are not templates.)
(cd "$src/jobs" && find . -type f ! -name '*.sh' ! -name '*.sbatch' ! -name '*.pbs' \
  ! -name README.md ! -name '.*' ! -name '*~' ! -name '*.swp') >"$tmp/stray"
if [ ! -s "$tmp/stray" ]; then
  ok "every file of the source's jobs/ is of a kind that is installed"
else
  fail "files in the source's jobs/ that no install pattern takes (add them to install(DIRECTORY jobs/ ...)):"
  sed 's|^\./|     jobs/|' "$tmp/stray"
fi

# ---- contents and permissions ------------------------------------------------------------------
bad=""
for f in mpiscale mpiscale-report mpiscale-job.sh; do
  [ -f "$prefix/bin/$f" ] && [ -x "$prefix/bin/$f" ] || bad="$bad bin/$f"
done
if [ -z "$bad" ]; then ok "bin/mpiscale, bin/mpiscale-report, bin/mpiscale-job.sh are executable"
else fail "not installed or not executable:$bad"; fi

bad=""
n=0
while IFS= read -r f; do
  [ -n "$f" ] || continue
  n=$((n + 1))
  inst=$prefix/share/mpiscale/jobs/$f
  if [ ! -f "$inst" ]; then bad="$bad $f(missing)"; continue; fi
  cmp -s "$src/jobs/$f" "$inst" || bad="$bad $f(content)"
  if [ -x "$src/jobs/$f" ]; then [ -x "$inst" ] || bad="$bad $f(lost its execute bit)"
  else [ ! -x "$inst" ] || bad="$bad $f(became executable)"; fi
done <<<"$job_files"
if [ -z "$bad" ]; then ok "the $n job templates match the source, executable where the source is"
else fail "job templates:$bad"; fi

bad=""
cmp -s "$src/jobs/lib/mpiscale-job.sh" "$prefix/bin/mpiscale-job.sh" || bad="$bad bin/mpiscale-job.sh"
cmp -s "$src/README.md" "$prefix/share/doc/mpiscale/README.md" || bad="$bad share/doc/mpiscale/README.md"
if [ -z "$bad" ]; then ok "bin/mpiscale-job.sh and the README are the source's"
else fail "differ from the source:$bad"; fi

# ---- the programs run --------------------------------------------------------------------------
check "bin/mpiscale --version" "mpiscale $version" "$("$prefix/bin/mpiscale" --version 2>&1)"
check "bin/mpiscale-report --version" "mpiscale-report $version" \
  "$("$prefix/bin/mpiscale-report" --version 2>&1)"

# ---- man pages ---------------------------------------------------------------------------------
for page in mpiscale mpiscale-report; do
  file=$prefix/share/man/man1/$page.1
  if grep -q '@[A-Z_]*@' "$file" 2>/dev/null; then
    fail "$page.1: an unconfigured @VARIABLE@ is left in it"
  else
    ok "$page.1 is configured (no @VARIABLE@ left)"
  fi
  check "man -w $page (MANPATH=<prefix>/share/man)" "$file" \
    "$(MANPATH=$prefix/share/man man -w "$page" 2>&1)"
  MANPATH=$prefix/share/man MANWIDTH=80 MANPAGER=cat man --warnings -P cat "$page" \
    >"$tmp/$page.txt" 2>"$tmp/$page.err"
  rc=$?
  if [ "$rc" -eq 0 ] && [ ! -s "$tmp/$page.err" ]; then
    ok "man --warnings $page renders with no warning"
  else
    fail "man --warnings $page: exit $rc, stderr:"
    sed 's/^/     /' "$tmp/$page.err"
  fi
  title=$(echo "$page" | tr '[:lower:]' '[:upper:]')
  bad=""
  head -n 1 "$tmp/$page.txt" | grep -q "^$title(1) " || bad="$bad title-line"
  grep -qx 'NAME' "$tmp/$page.txt" || bad="$bad NAME"
  grep -qx 'SYNOPSIS' "$tmp/$page.txt" || bad="$bad SYNOPSIS"
  grep -qx 'OPTIONS' "$tmp/$page.txt" || bad="$bad OPTIONS"
  grep -qx 'EXIT STATUS' "$tmp/$page.txt" || bad="$bad EXIT-STATUS"
  grep -qx 'SEE ALSO' "$tmp/$page.txt" || bad="$bad SEE-ALSO"
  tail -n 1 "$tmp/$page.txt" | grep -q "^mpiscale $version  " || bad="$bad version-in-footer"
  if [ "$page" = mpiscale ]; then
    grep -qx 'KERNELS' "$tmp/$page.txt" || bad="$bad KERNELS"
    grep -q -- '--checkpoint FILE' "$tmp/$page.txt" || bad="$bad --checkpoint"
  else
    grep -q -- '--settle STATUS' "$tmp/$page.txt" || bad="$bad --settle"
  fi
  if [ -z "$bad" ]; then ok "man $page shows its title, sections, options and version $version"
  else fail "man $page lacks:$bad"; fi
done

# ---- the modulefile, with Environment Modules --------------------------------------------------
modfile=$prefix/share/modulefiles/mpiscale/$version
if grep -q '@[A-Z_]*@' "$modfile" 2>/dev/null; then fail "modulefile: an unconfigured @VARIABLE@ is left in it"
else ok "modulefile is configured (no @VARIABLE@ left)"; fi
if [ ! -r /usr/share/modules/init/bash ]; then
  fail "Environment Modules is not installed (/usr/share/modules/init/bash; Debian: environment-modules)"
else
  # A clean shell: no modules loaded, no MANPATH (as on most systems), a PATH without the prefix.
  # shellcheck disable=SC2016 # the script expands its variables in that shell
  env -i HOME="$tmp" PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb MSC_PREFIX="$prefix" \
    bash --noprofile --norc -c '
      source /usr/share/modules/init/bash
      echo "sysman_before=$(man -w man 2>/dev/null)"
      module use "$MSC_PREFIX/share/modulefiles"
      echo "avail=$(module -t avail mpiscale 2>&1 | grep -v ":$" | tr "\n" " ")"
      echo "whatis=$(module whatis mpiscale 2>&1 | tr -s " \n" "  ")"
      module load mpiscale 2>"$HOME/load.err"
      echo "load_rc=$? load_err=$(tr "\n" " " <"$HOME/load.err")"
      echo "loaded=$(module -t list 2>&1 | grep -v ":$" | tr "\n" " ")"
      echo "mpiscale=$(command -v mpiscale)"
      echo "report=$(command -v mpiscale-report)"
      echo "joblib=$(command -v mpiscale-job.sh)"
      echo "jobs=${MPISCALE_JOBS-UNSET}"
      echo "manw=$(man -w mpiscale 2>&1)"
      echo "sysman_after=$(man -w man 2>/dev/null)"
      module unload mpiscale 2>/dev/null
      echo "unload_path=$PATH"
      echo "unload_jobs=${MPISCALE_JOBS-UNSET}"
      echo "unload_manpath=${MANPATH-UNSET}"
      echo "unload_mpiscale=$(command -v mpiscale)"
    ' >"$tmp/module.out" 2>"$tmp/module.err"
  val() { sed -n "s/^$1=//p" "$tmp/module.out"; }
  check "module avail lists mpiscale/$version" "mpiscale/$version " "$(val avail)"
  case "$(val whatis)" in
    *"mpiscale/$version"*"mpiscale $version:"*) ok "module whatis mpiscale names version $version" ;;
    *) fail "module whatis mpiscale: '$(val whatis)'" ;;
  esac
  check "module load mpiscale" "load_rc=0 load_err=" "load_rc=$(val load_rc)"
  check "module list after load" "mpiscale/$version " "$(val loaded)"
  check "command -v mpiscale after load" "$prefix/bin/mpiscale" "$(val mpiscale)"
  check "command -v mpiscale-report after load" "$prefix/bin/mpiscale-report" "$(val report)"
  check "command -v mpiscale-job.sh after load" "$prefix/bin/mpiscale-job.sh" "$(val joblib)"
  check "MPISCALE_JOBS after load" "$prefix/share/mpiscale/jobs" "$(val jobs)"
  check "man -w mpiscale after load" "$prefix/share/man/man1/mpiscale.1" "$(val manw)"
  if [ -n "$(val sysman_before)" ]; then
    check "system man pages still found after load (man -w man)" "$(val sysman_before)" "$(val sysman_after)"
  fi
  check "PATH after module unload" "/usr/local/bin:/usr/bin:/bin" "$(val unload_path)"
  check "MPISCALE_JOBS after module unload" "UNSET" "$(val unload_jobs)"
  check "MANPATH after module unload (unset before load)" "UNSET" "$(val unload_manpath)"
  check "command -v mpiscale after module unload" "" "$(val unload_mpiscale)"
  if [ "$failed" -gt 0 ] && [ -s "$tmp/module.err" ]; then
    echo "     module stderr:"
    sed 's/^/     /' "$tmp/module.err"
  fi
fi

# ---- a staged (DESTDIR) install keeps the real prefix in the modulefile --------------------------
if DESTDIR=$tmp/stage cmake --install "$build" --prefix /opt/mpiscale >"$tmp/stage.log" 2>&1; then
  staged=$tmp/stage/opt/mpiscale/share/modulefiles/mpiscale/$version
  paths=$(grep -E '^set mpiscale_(bindir|mandir|jobs) ' "$staged" 2>/dev/null | awk '{print $3}' | tr '\n' ' ')
  check "DESTDIR install: the modulefile names /opt/mpiscale" \
    "{/opt/mpiscale/bin} {/opt/mpiscale/share/man} {/opt/mpiscale/share/mpiscale/jobs} " "$paths"
else
  fail "DESTDIR=<tmp> cmake --install --prefix /opt/mpiscale:"
  sed 's/^/     /' "$tmp/stage.log"
fi

# ---- the build directory: the job library next to mpiscale ----------------------------------------
if [ -x "$build/mpiscale" ] && cmp -s "$src/jobs/lib/mpiscale-job.sh" "$build/mpiscale-job.sh"; then
  ok "build directory: mpiscale-job.sh next to mpiscale, the same as the source"
else
  fail "build directory: $build/mpiscale-job.sh missing or stale next to $build/mpiscale (rebuild)"
fi

finish
