#!/usr/bin/python3
"""The seeds' do_math split into P segments, one threading.Thread each: start all, join all.
The GIL lets one thread run Python code at a time, so this is no faster than serial.

usage: do_math_threads.py N P [--check]
Segments are cut like the seeds' Pool version, [N*(n-1)/P, N*n/P) for n in 1..P (true division,
so the loop runs on floats). --check sums `int(dist)` per thread and prints the exact total.
"""
import math
import sys
import threading


def do_math(start=0, num=10):
    pos = start
    k_sq = 1000 * 1000
    while pos < num:
        pos += 1
        dist = math.sqrt((pos - k_sq) * (pos - k_sq))


def do_math_check(start=0, num=10, out=None, slot=0):
    pos = start
    k_sq = 1000 * 1000
    total = 0
    while pos < num:
        pos += 1
        dist = math.sqrt((pos - k_sq) * (pos - k_sq))
        total += int(dist)
    out[slot] = total


if __name__ == "__main__":
    n, procs = int(sys.argv[1]), int(sys.argv[2])
    check = "--check" in sys.argv[3:]
    partials = [None] * procs
    jobs = []
    for i in range(1, procs + 1):
        seg = (n * (i - 1) / procs, n * i / procs)
        if check:
            t = threading.Thread(target=do_math_check, args=seg + (partials, i - 1))
        else:
            t = threading.Thread(target=do_math, args=seg)
        jobs.append(t)
    for t in jobs:
        t.start()
    for t in jobs:
        t.join()
    if check:
        print(f"Total: {sum(partials)}")
    else:
        print(f"done: do_math threads N={n} P={procs}")
