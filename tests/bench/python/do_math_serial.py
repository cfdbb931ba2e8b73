#!/usr/bin/python3
"""The seeds' do_math, serial: one call over [0, N).

usage: do_math_serial.py N [--check]
Timed runs use the seeds' loop as written (no sum: it does less work than mpiscale's kernel).
--check uses the same loop with `total += int(dist)` and prints the exact integer total, which
must equal mpiscale's `Result:` for `--kernel do_math --range 0:N`.
"""
import sys

from seeds import do_math, do_math_check


if __name__ == "__main__":
    n = int(sys.argv[1])
    if "--check" in sys.argv[2:]:
        print(f"Total: {do_math_check(0, n)}")
    else:
        do_math(0, n)
        print(f"done: do_math serial N={n}")
