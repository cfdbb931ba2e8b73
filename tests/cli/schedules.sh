#!/usr/bin/env bash
# schedules.sh BIN — the digest guarantee of issue 3: for every registered kernel (as
# --list-kernels names them, so a new kernel is covered without editing this file) over a small
# awkward range cut into S = 7 segments (7 is not a multiple of 2, 3 or 4), under every schedule
# (block, cyclic, block-cyclic:3, dynamic, dynamic:1, guided, guided:2, weighted) at 1, 2, 3 and 4
# ranks, every run must exit 0, verify, and give one and the same digest and result per kernel.
# A second group cuts the same ranges into S = 3 segments at 4 ranks under every schedule (fewer
# segments than ranks: a rank has no work), against block at 1 rank; a third runs pi in S = 517
# segments, where the default chunks of block-cyclic, dynamic and guided exceed 1. Every run's
# JSON is also checked for what the schedule did: the schedule as run, chunks, claims (dynamic
# kinds make one atomic claim per chunk plus one final empty claim per rank; static kinds none),
# idle ranks, speeds (weighted at 2 or more ranks only: one rank is not calibrated), advice (null
# or one line), and the text report's Schedule block. No check reads an absolute time.
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=60 # seconds per launch; each run here takes well under one
SCHEDULES="block cyclic block-cyclic:3 dynamic dynamic:1 guided guided:2 weighted"

# The kernels, as the program lists them: the first word of each line.
"$MSC_MPI_RUN" 1 "$LIMIT" "$BIN" --list-kernels >"$tmp/kernels.txt" 2>"$tmp/kernels.err"
rc=$?
KERNELS=$(awk 'NF { print $1 }' "$tmp/kernels.txt")
check "--list-kernels exits 0 (got $rc)" test "$rc" -eq 0
check "--list-kernels names do_math and at least 8 kernels ($(tr '\n' ' ' <<<"$KERNELS"))" \
  test "$(grep -cx 'do_math' <<<"$KERNELS")" -eq 1 -a "$(wc -w <<<"$KERNELS")" -ge 8

# kernel_args KERNEL — the small awkward range (and parameters) each kernel runs over here: an
# odd element count not divisible by 7, most with a negative START, and well under a second at
# any rank count. A kernel not listed gets 1:1004 (1003 elements) with its default parameters.
kernel_args() {
  case $1 in
    do_math)     echo "--range -1000:20003" ;;
    sum_squares) echo "--range -5000:4999" ;;
    random_fill) echo "--range -777:20000 --param seed=42" ;;
    pi)          echo "--range -50000:50001" ;;
    primes)      echo "--range -100:100003" ;;
    sleep)       echo "--range 0:23 --param usec=20" ;;
    amdahl)      echo "--range -1000:20003 --param serial=0.3" ;;
    heavy_tail)  echo "--range 0:1003" ;;
    *)           echo "--range 1:1004" ;;
  esac
}

cat >"$tmp/check.py" <<'EOF'
"""Checks every launch of schedules.sh. Usage: check.py MANIFEST, whose tab-separated rows are
  run GROUP NP KERNEL SCHEDULE SEGMENTS DIR   DIR holds rc, out, err and out.jsonl
Prints one "ok - ..." / "not ok - ..." line per run and per group; lib.sh's tally counts them."""
import json, math, os, re, sys

counts = [0, 0]

def check(cond, what):
    counts[0 if cond else 1] += 1
    print(("ok - " if cond else "not ok - ") + what)

def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""

def strict_json(line):
    def bad(c):
        raise ValueError("non-standard JSON constant " + c)
    return json.loads(line, parse_constant=bad)

integer = lambda v: isinstance(v, int) and not isinstance(v, bool)
number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

def ceil_div(a, b):
    return -(-a // b)

def expected_chunk(kind, k, n_seg, p):
    """The chunk as run: K when given, else the default rule of schedule.h (None: no chunk)."""
    if kind not in ("block-cyclic", "dynamic", "guided"):
        return None
    if k is not None:
        return k
    return max(1, {"block-cyclic": n_seg // (16 * p), "dynamic": n_seg // (64 * p),
                   "guided": 1}[kind])

def expected_chunks(kind, chunk, n_seg, p):
    if kind in ("block", "weighted"):
        return p
    if kind == "cyclic":
        return n_seg
    if kind in ("block-cyclic", "dynamic"):
        return ceil_div(n_seg, chunk)
    n, left = 0, n_seg  # guided: each chunk max(MIN, ceil(remaining / 2P)), at most what is left
    while left > 0:
        left -= min(left, max(chunk, ceil_div(left, 2 * p)))
        n += 1
    return n

def check_run(group, np_, kernel, spec, n_seg, d):
    """Checks one launch; returns (digest, result) from its JSON, or None."""
    tag = "%s, --schedule %s, np=%d" % (group, spec, np_)
    kind, _, k = spec.partition(":")
    k = int(k) if k else None
    problems = []
    rc = read(os.path.join(d, "rc")).strip()
    if rc != "0":
        check(False, tag + ": exits 0 (got %s)" % rc)
        for l in read(os.path.join(d, "err")).splitlines()[:5]:
            print("#   stderr: " + l)
        return None
    try:
        jl = [l for l in read(os.path.join(d, "out.jsonl")).split("\n") if l.strip()]
        if len(jl) != 1:
            raise ValueError("%d JSON lines" % len(jl))
        r = strict_json(jl[0])
        if not isinstance(r, dict):
            raise ValueError("not an object")
    except ValueError as e:
        check(False, tag + ": exits 0 and writes one JSON object (%s)" % e)
        return None

    for key, want in (("ranks", np_), ("verified", True), ("status", "complete"),
                      ("kernel", kernel), ("segments", n_seg), ("slow_rank", None)):
        if r.get(key, "missing") != want or type(r.get(key)) is not type(want):
            problems.append("%s=%r, want %r" % (key, r.get(key, "missing"), want))
    chunk = expected_chunk(kind, k, n_seg, np_)
    want_sched = kind if chunk is None else "%s:%d" % (kind, chunk)
    if r.get("schedule") != want_sched:
        problems.append("schedule=%r, want %r" % (r.get("schedule"), want_sched))
    b = r.get("balance")
    if not isinstance(b, dict):
        problems.append("balance=%r is not an object" % (b,))
        b = {}
    want_chunks = expected_chunks(kind, chunk if chunk is not None else 0, n_seg, np_)
    dynamic = kind in ("dynamic", "guided")
    for key, want in (("kind", kind), ("chunk", chunk), ("chunks", want_chunks),
                      ("claims", want_chunks + np_ if dynamic else 0)):
        if b.get(key, "missing") != want or type(b.get(key)) is not type(want):
            problems.append("balance.%s=%r, want %r" % (key, b.get(key, "missing"), want))
    for key in ("claims_s", "claim_max_s", "idle_s"):
        if not (number(b.get(key)) and b[key] >= -1e-9):
            problems.append("balance.%s=%r is not a number >= 0" % (key, b.get(key, "missing")))
    if not dynamic and b.get("claims_s") != 0:
        problems.append("balance.claims_s=%r, want 0 (no claims)" % (b.get("claims_s"),))
    if not (number(b.get("idle_fraction")) and -1e-9 <= b["idle_fraction"] <= 1 + 1e-9):
        problems.append("balance.idle_fraction=%r is not in [0, 1]" % (b.get("idle_fraction"),))
    for key in ("cost_trend", "cost_spread"):
        if key not in b or not (b[key] is None or (number(b[key]) and b[key] >= 0)):
            problems.append("balance.%s=%r is not null or a number >= 0"
                            % (key, b.get(key, "missing")))
    calibrated = kind == "weighted" and np_ > 1  # one rank takes everything: no calibration
    lo, hi = b.get("speed_min", "missing"), b.get("speed_max", "missing")
    if calibrated:
        if not (number(lo) and number(hi) and 0 < lo <= hi):
            problems.append("balance.speed_min/max=%r/%r, want 0 < min <= max" % (lo, hi))
    elif kind == "weighted":
        if not (lo in (None, 0) and hi in (None, 0)):
            problems.append("balance.speed_min/max=%r/%r, want null or 0 (one rank: not "
                            "calibrated)" % (lo, hi))
    elif b.get("speed_min", "missing") is not None or b.get("speed_max", "missing") is not None:
        problems.append("balance.speed_min/max=%r/%r, want null (not weighted)"
                        % (b.get("speed_min", "missing"), b.get("speed_max", "missing")))
    advice = b.get("advice", "missing")
    if not (advice is None or (isinstance(advice, str) and advice and "\n" not in advice)):
        problems.append("balance.advice=%r is not null or one line" % (advice,))
    # Idle ranks: a static plan says exactly which ranks get nothing (weighted: at least P - S,
    # the speeds decide the rest); a dynamic one leaves at least P - chunks without a claim.
    idle = r.get("idle_ranks")
    if kind in ("block", "cyclic"):
        want_idle = [max(0, np_ - n_seg)]
    elif kind == "block-cyclic":
        want_idle = [max(0, np_ - want_chunks)]
    else:
        floor = max(0, np_ - (n_seg if kind == "weighted" else want_chunks))
        want_idle = list(range(floor, np_))
    if not integer(idle) or idle not in want_idle:
        problems.append("idle_ranks=%r, want %s" % (idle, " or ".join(map(str, want_idle))))

    # The text report: verified, the JSON's digest, and the Schedule block.
    text = read(os.path.join(d, "out"))
    m = re.search(r"^Digest: ([0-9a-f]{16})$", text, re.M)
    if (not re.search(r"^Verification: PASS\b", text, re.M) or not m
            or m.group(1) != r.get("digest")):
        problems.append("report lacks 'Verification: PASS' or the JSON's digest")
    m = re.search(r"^Schedule (\S+) \((\d+) chunks? of (\d+) segments\):\n((?:  .*\n)*)",
                  text, re.M)
    if not m:
        problems.append("report has no 'Schedule NAME (C chunks of S segments):' block")
    else:
        body = m.group(4)
        if m.group(1) != want_sched or int(m.group(2)) != want_chunks or int(m.group(3)) != n_seg:
            problems.append("Schedule block heading %r" % m.group(0).split("\n")[0])
        need = ["  load imbalance ", "  idle time "]
        need.append("  claims          %d " % (want_chunks + np_) if dynamic else "  messages ")
        if calibrated:
            need.append("  calibration ")
        for line in need:
            if line not in body:
                problems.append("Schedule block has no %r line" % line.strip())
        if advice is not None and ("  advice: " + advice) not in body:
            problems.append("Schedule block does not show the JSON's advice")
    if calibrated != bool(re.search(r"^calibrate\s", text, re.M)):
        problems.append("a 'calibrate' phase row in the report: want %s"
                        % ("one" if calibrated else "none"))
    if calibrated and "calibrate" not in r.get("phases", {}):
        problems.append("no 'calibrate' phase in the JSON")

    digest, result = r.get("digest"), r.get("result")
    if not isinstance(digest, str) or not isinstance(result, str):
        problems.append("digest/result not strings")
        digest = result = None
    check(not problems, tag + ": exits 0, verified, schedule %s, %d chunks, claims, report%s"
          % (want_sched, want_chunks, "" if not problems else " (" + "; ".join(problems) + ")"))
    return None if digest is None else (digest, result)

def main(manifest):
    groups = {}
    for line in open(manifest):
        f = line.rstrip("\n").split("\t")
        if f[0] != "run":
            continue
        group, np_, kernel, spec, n_seg, d = f[1:]
        got = check_run(group, int(np_), kernel, spec, int(n_seg), d)
        groups.setdefault(group, []).append(("%s np=%s" % (spec, np_), got))
    # The guarantee: one digest (and result) per group, over every schedule and rank count.
    for group, rs in groups.items():
        seen = {}
        for label, got in rs:
            seen.setdefault(got, []).append(label)
        good = len(seen) == 1 and None not in seen
        detail = "" if good else " (got " + "; ".join(
            "%s: %s" % ("no digest" if g is None else "digest %s result %s" % g,
                        ", ".join(ls[:4]) + (", ..." if len(ls) > 4 else ""))
            for g, ls in seen.items()) + ")"
        check(good, "%s: one digest and result over all %d runs (every schedule and rank count)%s"
              % (group, len(rs), detail))
    return 1 if counts[1] else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
EOF

# Launches run in the background, at most $JOBS at a time (most of a launch is mpirun starting and
# stopping, not work); check.py checks them all at the end, in launch order.
JOBS=3
manifest=$tmp/manifest.tsv
: >"$manifest"
n_run=0
# launch GROUP NP KERNEL SCHEDULE SEGMENTS ARGS... — one run with --json into its own directory.
launch() {
  local group=$1 np=$2 kernel=$3 sched=$4 seg=$5; shift 5
  n_run=$((n_run + 1))
  local d=$tmp/run$n_run
  printf 'run\t%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$np" "$kernel" "$sched" "$seg" "$d" >>"$manifest"
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  mkdir -p "$d"
  ( "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" --kernel "$kernel" --segments "$seg" --schedule "$sched" \
      "$@" --json "$d/out.jsonl" >"$d/out" 2>"$d/err"
    echo $? >"$d/rc" ) &
}

for kernel in $KERNELS; do
  # shellcheck disable=SC2046 # kernel_args is split into words on purpose
  set -- $(kernel_args "$kernel")
  for np in 1 2 3 4; do
    for sched in $SCHEDULES; do
      launch "$kernel $* /7" "$np" "$kernel" "$sched" 7 "$@"
    done
  done
  # Fewer segments than ranks: at 4 ranks at least one has no segment, whatever the schedule.
  launch "$kernel $* /3" 1 "$kernel" block 3 "$@"
  for sched in $SCHEDULES; do
    launch "$kernel $* /3" 4 "$kernel" "$sched" 3 "$@"
  done
done
# The default chunk rules only differ from K = 1 with many segments: S = 517 gives dynamic K = 4, 2
# and 2 and block-cyclic K = 16, 10 and 8 at 2, 3 and 4 ranks (pi: its real sum is order-sensitive).
for np in 1 2 3 4; do
  for sched in block cyclic block-cyclic dynamic guided weighted; do
    launch "pi --range -50000:50001 /517" "$np" pi "$sched" 517 --range -50000:50001
  done
done
wait
python3 "$tmp/check.py" "$manifest" >"$tmp/check.out"
tally "$(cat "$tmp/check.out")"
cli_finish
