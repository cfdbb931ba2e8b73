#!/usr/bin/env bash
# kernels_exact.sh BIN — every kernel over awkward ranges (negative START, a count not divisible by
# 3, fewer elements than ranks, one element, ends near 2^62, INT64_MIN/MAX and each kernel's own
# limit) at 1, 2, 3 and 4 ranks (some edges at two or three of them, to stay within a minute). Each run must exit 0, print "Verification: PASS", write one JSON
# line with ranks = NP and verified = true whose result equals the exact value computed here
# independently in Python, and give the same digest and result on every rank count. Also checks
# the --range syntax ('_', exact scientific forms, K/M suffixes, END alone).
set -uo pipefail

# shellcheck source=tests/cli/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_start "$@"
LIMIT=60 # seconds per launch; each run here takes well under one


cat >"$tmp/check.py" <<'EOF'
"""Independent references for the mpiscale kernels, and the checks of every run's outputs.
Usage: check.py MANIFEST, whose tab-separated rows are
  run    LABEL NP KERNEL START END DIR   one launch; DIR holds rc, out, err and out.jsonl
  differ LABEL_A LABEL_B                 the two labels' results must differ
  syntax TEXT START END DIR              a sum_squares run over --range TEXT covers [START, END)
Prints one "ok - ..." / "not ok - ..." line per check, then "N passed, M failed"."""
import functools, json, math, os, re, sys

def strict_json(line):
    def bad(c):
        raise ValueError("non-standard JSON constant " + c)
    return json.loads(line, parse_constant=bad)

def sum_abs(a, b):
    """Sum of |x| for integers a <= x <= b."""
    tri = lambda n: n * (n + 1) // 2  # 1 + ... + n, n >= 0
    s = 0
    if a < 0:  # negatives in [a, min(b, -1)]: |x| runs over [max(1, -b), -a]
        lo, hi = max(1, -b), -a
        s += tri(hi) - tri(lo - 1)
    if b > 0:  # positives in [max(a, 1), b]
        lo, hi = max(a, 1), b
        s += tri(hi) - tri(lo - 1)
    return s

def sum_sq(a, b):
    """Sum of x^2 for integers a <= x <= b."""
    t = lambda n: n * (n + 1) * (2 * n + 1) // 6 if n >= 0 else 0  # 0^2 + ... + n^2
    if a >= 0:
        return t(b) - t(a - 1)
    if b < 0:
        return sum_sq(-b, -a)
    return t(-a) + t(b)

def is_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):  # deterministic below 3.3e24
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True

def count_primes(lo, hi):
    lo = max(lo, 0)
    if hi <= lo:
        return 0
    if hi <= 4_000_000:  # sieve of Eratosthenes
        sieve = bytearray([1]) * hi
        sieve[0:2] = b"\0\0"[: min(2, hi)]
        for p in range(2, math.isqrt(hi - 1) + 1):
            if sieve[p]:
                sieve[p * p :: p] = bytes(len(range(p * p, hi, p)))
        return sum(sieve[lo:hi])
    return sum(1 for n in range(lo, hi) if is_prime(n))  # Miller-Rabin, for short ranges

def pi_midpoint(n):
    h = 1.0 / n
    return math.fsum(4.0 / (1.0 + ((k + 0.5) * h) ** 2) for k in range(n)) * h

OFFSET = 1_000_000  # do_math: element i contributes |(i + 1) - OFFSET|

@functools.lru_cache(maxsize=None)
def expected(kernel, lo, hi):
    if kernel in ("do_math", "amdahl"):
        return sum_abs(lo + 1 - OFFSET, hi - OFFSET)
    if kernel == "sum_squares":
        return sum_sq(lo, hi - 1)
    if kernel == "primes":
        return count_primes(lo, hi)
    if kernel == "sleep":
        return hi - lo
    if kernel == "pi":
        return pi_midpoint(hi - lo)
    return None  # random_fill: no closed form; compared across rank counts instead

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

def check_run(label, np_, kernel, lo, hi, d):
    """Checks one launch; returns (digest, result) from its JSON, or (None, None)."""
    tag = "%s np=%d: " % (label, np_)
    rc = read(os.path.join(d, "rc")).strip()
    check(rc == "0", tag + "exits 0" + ("" if rc == "0" else " (got %s)" % rc))
    if rc != "0":
        for l in read(os.path.join(d, "err")).splitlines()[:5]:
            print("#   stderr: " + l)
    text = read(os.path.join(d, "out"))
    m_digest = re.search(r"^Digest: ([0-9a-f]{16})$", text, re.M)
    m_result = re.search(r"^Result: (.*)$", text, re.M)
    check(re.search(r"^Verification: PASS\b", text, re.M) is not None
          and m_digest is not None and m_result is not None,
          tag + "report has 'Result: ', 'Digest: <16 hex>' and 'Verification: PASS'")
    try:
        jl = [l for l in read(os.path.join(d, "out.jsonl")).split("\n") if l.strip()]
        if len(jl) != 1:
            raise ValueError("%d JSON lines" % len(jl))
        rec = strict_json(jl[0])
        if not isinstance(rec, dict):
            raise ValueError("not an object")
    except ValueError as e:
        check(False, tag + "JSON file holds one valid object (%s)" % e)
        return None, None
    problems = []
    for key, want in (("ranks", np_), ("verified", True), ("status", "complete"),
                      ("kernel", kernel)):
        if rec.get(key) != want or type(rec.get(key)) is not type(want):
            problems.append("%s=%r" % (key, rec.get(key)))
    r = rec.get("range")
    if not isinstance(r, dict) or r.get("start") != lo or r.get("end") != hi \
            or type(r.get("start")) is not int or type(r.get("end")) is not int:
        problems.append("range=%r" % (r,))
    result, digest = rec.get("result"), rec.get("digest")
    if not isinstance(result, str) or not isinstance(digest, str):
        problems.append("result/digest not strings")
    check(not problems, tag + "JSON has ranks=%d, verified, complete, kernel, range%s"
          % (np_, "" if not problems else " (got " + ", ".join(problems) + ")"))
    if not isinstance(result, str) or not isinstance(digest, str):
        return None, None
    shown = m_result is not None and re.search(
        r"(?<![\d.])" + re.escape(result) + r"(?![\d.])", m_result.group(1)) is not None
    check(shown and m_digest is not None and m_digest.group(1) == digest,
          tag + "text report shows the JSON's result and digest")
    want = expected(kernel, lo, hi)
    if kernel == "pi":
        try:
            got = float(result)
        except ValueError:
            got = float("nan")
        good = abs(got - want) <= 1e-9 * abs(want)
        what = "result %s matches the midpoint sum %.17g" % (result, want)
        if hi - lo >= 100_000:
            good = good and abs(got - math.pi) < 1e-6
            what += " and |result - pi| < 1e-6"
        check(good, tag + what)
    elif want is not None:
        check(re.fullmatch(r"[0-9]+", result) is not None and int(result) == want,
              tag + "result %s == exact %d" % (result, want))
    else:
        try:
            good = math.isfinite(float(result))
        except ValueError:
            good = False
        check(good, tag + "result %s is a finite number" % result)
    return digest, result

def main(manifest):
    runs, differ, syntax = {}, [], []
    for line in open(manifest):
        f = line.rstrip("\n").split("\t")
        if f[0] == "run":
            label, np_, kernel, lo, hi, d = f[1:]
            got = check_run(label, int(np_), kernel, int(lo), int(hi), d)
            runs.setdefault(label, []).append((int(np_),) + got)
        elif f[0] == "differ":
            differ.append(f[1:])
        elif f[0] == "syntax":
            syntax.append(f[1:])
    # The same command gives the same digest and result on every rank count.
    for label, rs in runs.items():
        same = len({(d, r) for _, d, r in rs}) == 1 and rs[0][1] is not None
        detail = "" if same else " (got " + "; ".join("np=%d %s %s" % r for r in rs) + ")"
        check(same, label + ": same digest and result at %s ranks%s"
              % (",".join(str(r[0]) for r in rs), detail))
    for a, b in differ:
        ra = runs.get(a, [(0, None, None)])[0][2]
        rb = runs.get(b, [(0, None, None)])[0][2]
        check(ra is not None and rb is not None and ra != rb,
              "'%s' and '%s' give different results (%s, %s)" % (a, b, ra, rb))
    for text, lo, hi, d in syntax:
        lo, hi = int(lo), int(hi)
        rc = read(os.path.join(d, "rc")).strip()
        try:
            r = json.loads(read(os.path.join(d, "out.jsonl")).splitlines()[0])
            got = (r["range"]["start"], r["range"]["end"], r["result"])
        except (ValueError, IndexError, KeyError, TypeError):
            got = None
        want = (lo, hi, str(expected("sum_squares", lo, hi)))
        good = rc == "0" and got == want
        check(good, "--range '%s' means [%d, %d)%s" % (text, lo, hi, "" if good else
              " (exit %s, got %r, want %r)" % (rc, got, want)))
    print("%d passed, %d failed" % tuple(counts))
    return 1 if counts[1] else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
EOF

# Launches run in the background, at most $JOBS at a time (most of a launch is mpirun starting and
# stopping, not work); every launch is listed in the manifest and check.py checks them all at the
# end, in launch order.
JOBS=3
manifest=$tmp/manifest.tsv
: >"$manifest"
launch() { # launch ID NP ARGS... — stdout, stderr and exit code into $tmp/ID/{out,err,rc}
  local id=$1 np=$2; shift 2
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  mkdir -p "$tmp/$id"
  ( "$MSC_MPI_RUN" "$np" "$LIMIT" "$BIN" "$@" >"$tmp/$id/out" 2>"$tmp/$id/err"
    echo $? >"$tmp/$id/rc" ) &
}

n_run=0
# case_ KERNEL START END [NPS] [-- EXTRA ARGS...] — launches the kernel over [START, END) with
# --json at each rank count in NPS (default "1 2 3 4").
case_() {
  local kernel=$1 lo=$2 hi=$3 nps="1 2 3 4" np; shift 3
  if [ $# -gt 0 ] && [ "$1" != "--" ]; then nps=$1; shift; fi
  [ $# -gt 0 ] && shift # the "--"
  for np in $nps; do
    n_run=$((n_run + 1))
    printf 'run\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kernel $lo:$hi${*:+ $*}" "$np" "$kernel" "$lo" "$hi" \
      "$tmp/run$n_run" >>"$manifest"
    launch "run$n_run" "$np" --kernel "$kernel" --range "$lo:$hi" "$@" \
      --json "$tmp/run$n_run/out.jsonl"
  done
}

P62=4611686018427387904           # 2^62
I64MAX=9223372036854775807
I64MIN=-9223372036854775808
DM_HI=9007199255740992            # do_math: last element has x = 2^53 exactly (allowed)
DM_LO=-9007199253740993           # do_math: first element has x = -2^53 exactly (allowed)
P42=4398046511104                 # primes: END limit 2^42

# The ranges: -1000:1000003 has a negative START and N = 1001003 (not a multiple of 3 or 4);
# 5:7 has fewer elements than ranks at 3 and 4 ranks; 6:7 has one element; then the kernel's edges.
# do_math: x = i + 1 - 10^6 crosses zero inside -1000:1000003.
case_ do_math -1000 1000003
case_ do_math 5 7 "1 3 4"
case_ do_math 6 7 "1 4"
case_ do_math $((DM_HI - 5)) $DM_HI "1 3"
case_ do_math $DM_LO $((DM_LO + 5)) "1 4"

case_ sum_squares -1000 1000003
case_ sum_squares 5 7 "1 3 4"
case_ sum_squares 6 7 "1 4"
case_ sum_squares $((P62 - 10)) $P62
case_ sum_squares $((P62 - 16)) $P62 "1 3"        # 2^128 - 1.25e18: the most that fits here
case_ sum_squares $I64MIN $((I64MIN + 2)) "1 2"   # 2^126 + (2^63-1)^2 < 2^128

case_ primes -1000 1000003
case_ primes 5 7 "1 3 4"
case_ primes 6 7 "1 4"
case_ primes 2 3 "1 4"
case_ primes $((P42 - 100)) $P42 "1 3"

case_ pi -1000 1000003
case_ pi 5 7 "1 3 4"
case_ pi 6 7 "1 4"
case_ pi $((P62 - 100000)) $P62
case_ pi $((I64MAX - 100000)) $I64MAX "1 3"

case_ random_fill -1000 1000003
case_ random_fill 5 7 "1 3 4"
case_ random_fill 6 7 "1 4"
case_ random_fill $((P62 - 1000)) $P62
case_ random_fill $I64MIN $((I64MIN + 1000)) "1 3"
case_ random_fill 0 1000 "1 2" -- --param seed=2
case_ random_fill 0 1000 "1" -- --param seed=3
printf 'differ\t%s\t%s\n' "random_fill 0:1000 --param seed=2" "random_fill 0:1000 --param seed=3" \
  >>"$manifest"

case_ sleep -10 13 -- --param usec=0
case_ sleep 5 7 "1 3 4" -- --param usec=0
case_ sleep 6 7 "1 4" -- --param usec=0
case_ sleep 0 20 "1 4"                            # the default 1000 us
case_ sleep $((P62 - 3)) $P62 "1 3" -- --param usec=0
case_ sleep $((I64MAX - 5)) $I64MAX "1 3" -- --param usec=0
case_ sleep $I64MIN $((I64MIN + 5)) "1 3" -- --param usec=0

case_ amdahl -1000 1000003
case_ amdahl 5 7 "1 3 4"
case_ amdahl 6 7 "1 4"
case_ amdahl -1000 1000003 "1 3" -- --param serial=0
case_ amdahl -1000 1000003 "1 3" -- --param serial=0.9

# --range syntax: '_' separators, exact scientific forms, decimal suffixes, END alone.
n_syntax=0
syntax() { # syntax TEXT START END — sum_squares at 1 rank over TEXT must cover [START, END)
  n_syntax=$((n_syntax + 1))
  printf 'syntax\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$tmp/syntax$n_syntax" >>"$manifest"
  launch "syntax$n_syntax" 1 --kernel sum_squares --range "$1" --json "$tmp/syntax$n_syntax/out.jsonl"
}
syntax 1000 0 1000
syntax 1_000:2e3 1000 2000
syntax -2_000:-1_000 -2000 -1000
syntax 2.5e3 0 2500
syntax 1K:3K 1000 3000
syntax 3e7 0 30000000
syntax 30M 0 30000000
syntax 1e3:1.5e3 1000 1500

wait
python3 "$tmp/check.py" "$manifest" # prints the checks and the "N passed, M failed" line
