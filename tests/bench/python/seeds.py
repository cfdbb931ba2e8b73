"""The seeds' do_math, shared by the do_math_*.py contenders (each imports it, as the seeds'
programs each defined it).

do_math is the seeds' loop as written: it computes `dist` and drops it, so it does less work than
mpiscale's kernel. do_math_check is the same loop adding `int(dist)` to an exact integer total,
which must equal mpiscale's `Result:` for `--kernel do_math` over the same range.
"""
import math


def do_math(start=0, num=10):
    pos = start
    k_sq = 1000 * 1000
    while pos < num:
        pos += 1
        dist = math.sqrt((pos - k_sq) * (pos - k_sq))


def do_math_check(start=0, num=10):
    pos = start
    k_sq = 1000 * 1000
    total = 0
    while pos < num:
        pos += 1
        dist = math.sqrt((pos - k_sq) * (pos - k_sq))
        total += int(dist)
    return total
