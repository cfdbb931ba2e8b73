#!/usr/bin/env bash
# run.sh — builds the libFuzzer targets (tests/fuzz/CMakeLists.txt, clang, ASan + UBSan) into
# build-fuzz/ and runs each for SECONDS seconds on a scratch copy of its seed corpus, so the
# corpus in the repo is never changed (inputs found interesting are dropped with the copy; add
# one by hand when it is worth keeping). Prints per target the executions and "no findings" or
# the crashing input and its report; exits 1 on any finding, build failure or missing tool.
#
#   bash tests/fuzz/run.sh [SECONDS]          default 60 per target
#
# Installs nothing: without clang or its libFuzzer runtime it says which Debian packages to
# install. A finding's input and log are kept in build-fuzz/findings/; reproduce it with
# build-fuzz/fuzz_TARGET FILE. Environment knobs:
#   CI=true              warnings in the harnesses are errors
#   MSC_FUZZ_CC          the compiler (default clang)
#   MSC_FUZZ_BUILD       the build directory (default build-fuzz/ at the repo root)
#   MSC_FUZZ_TARGETS     which targets (default "cli journal")
#
# The journal seed corpus is written by gen_journal_corpus; when the journal format (or the
# inputs line) changes, write it anew and commit the result:
#   cmake --build build-fuzz --target gen_journal_corpus &&
#     rm tests/fuzz/corpus/journal/* && build-fuzz/gen_journal_corpus tests/fuzz/corpus/journal
set -euo pipefail

secs="${1:-60}"
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS]   (seconds of fuzzing per target, a positive integer)" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cc="${MSC_FUZZ_CC:-clang}"
build="${MSC_FUZZ_BUILD:-$root/build-fuzz}"
targets="${MSC_FUZZ_TARGETS:-cli journal}"

say() { echo "mpiscale fuzz: $*"; }

# The Debian packages for a clang of major version $1 (Debian 12: clang is clang-14).
packages_for() {
  echo "clang libclang-rt-$1-dev llvm-$1"
}

if ! command -v "$cc" >/dev/null 2>&1; then
  say "'$cc' not found; the fuzz targets need clang with its libFuzzer runtime." >&2
  say "install them (Debian 12) with: apt-get install -y --no-install-recommends $(packages_for 14)" >&2
  exit 1
fi
if ! command -v cmake >/dev/null 2>&1; then
  say "cmake not found: run jobs/local/setup.sh first (it installs the build dependencies)" >&2
  exit 1
fi
if ! "$cc" --version 2>/dev/null | grep -qi clang; then
  say "'$cc' is not clang: libFuzzer comes with clang (set MSC_FUZZ_CC to a clang)." >&2
  say "install it (Debian 12) with: apt-get install -y --no-install-recommends $(packages_for 14)" >&2
  exit 1
fi
major="$("$cc" -dumpversion 2>/dev/null | cut -d. -f1)"
major="${major:-14}"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/msc-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# libFuzzer and the sanitizer runtimes come from libclang-rt-N-dev, which clang only recommends:
# a one-line fuzzer that links shows they are there.
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
  >"$scratch/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$scratch/probe.c" -o "$scratch/probe" \
  >"$scratch/probe.log" 2>&1; then
  cat "$scratch/probe.log" >&2
  say "$cc cannot link a libFuzzer target (is the libFuzzer/sanitizer runtime missing?" \
    "libclang_rt.fuzzer is in libclang-rt-$major-dev)." >&2
  say "install it (Debian) with: apt-get install -y --no-install-recommends $(packages_for "$major")" >&2
  exit 1
fi

# Symbolized stack traces need llvm-symbolizer (package llvm-N); without it they are addresses.
if ! command -v llvm-symbolizer >/dev/null 2>&1 && [ -x "/usr/lib/llvm-$major/bin/llvm-symbolizer" ]; then
  export ASAN_SYMBOLIZER_PATH="/usr/lib/llvm-$major/bin/llvm-symbolizer"
fi
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

werror=OFF
[ "${CI:-}" = true ] && werror=ON
say "building the fuzz targets with $cc (clang $major) into $build"
if ! cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER="$cc" -DMSC_WERROR="$werror" \
  >"$scratch/configure.log" 2>&1; then
  cat "$scratch/configure.log" >&2
  say "configure failed" >&2
  exit 1
fi
build_targets=()
for t in $targets; do build_targets+=(--target "fuzz_$t"); done
if ! cmake --build "$build" -j "$(nproc)" "${build_targets[@]}" >"$scratch/build.log" 2>&1; then
  cat "$scratch/build.log" >&2
  say "build failed" >&2
  exit 1
fi

findings=0
for t in $targets; do
  bin="$build/fuzz_$t"
  work="$scratch/$t"
  keep="$build/findings/$t" # this run's findings only
  rm -rf "$keep"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -R "$here/corpus/$t/." "$work/corpus/"
  args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$work/artifacts/")
  case "$t" in
    cli) args+=(-max_len=1024 -dict="$here/cli.dict") ;;
    journal) args+=(-max_len=4096 -dict="$here/journal.dict") ;;
  esac
  say "fuzz_$t: $secs s on $(find "$work/corpus" -type f | wc -l) seed inputs"
  rc=0
  # -max_total_time ends the run; the outer timeout is for a fuzzer that would not stop.
  timeout --kill-after=30 "$((secs * 2 + 120))" "$bin" "${args[@]}" "$work/corpus" \
    >"$work/log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)"
  found=()
  for f in "$work/artifacts"/*; do
    case "$(basename "$f")" in crash-* | leak-* | timeout-* | oom-*) found+=("$f") ;; esac
  done
  if [ "$rc" = 0 ] && [ "${#found[@]}" = 0 ]; then
    say "fuzz_$t: ${execs:-?} executions, no findings"
    continue
  fi
  findings=$((findings + 1))
  mkdir -p "$keep"
  cp "$work/log" "$keep/fuzz_$t.log"
  say "fuzz_$t: ${execs:-?} executions, FINDING (exit $rc)"
  for f in "${found[@]}"; do
    cp "$f" "$keep/"
    say "  input: $keep/$(basename "$f")   reproduce: $bin $keep/$(basename "$f")"
  done
  [ "${#found[@]}" = 0 ] && say "  no input was saved; the log follows"
  # the report: from the first sanitizer, invariant or libFuzzer error line on, without ASan's
  # shadow-memory map and the input's hex dump (the file above holds it)
  awk '/ERROR: |invariant violated|runtime error:|==[0-9]+==/ { on = 1 }
       /^Shadow bytes around/ { skip = 1 } /==ABORTING/ { skip = 0 }
       /^0x[0-9a-f][0-9a-f],/ { next }
       on && !skip' "$work/log" | head -n 80 | sed 's/^/  | /'
  say "  full log: $keep/fuzz_$t.log"
done

if [ "$findings" != 0 ]; then
  say "$findings target(s) with findings"
  exit 1
fi
say "all targets: no findings"
