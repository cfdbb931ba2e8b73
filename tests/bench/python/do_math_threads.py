#!/usr/bin/python3
"""The seeds' do_math split into P segments, one threading.Thread each: start all, join all.
The GIL lets one thread run Python code at a time, so this is no faster than serial.

usage: do_math_threads.py N P [--check]
Segments are cut like the seeds' Pool version, [N*(n-1)/P, N*n/P) for n in 1..P (true division,
so the loop runs on floats). --check sums `int(dist)` per thread and prints the exact total.
"""
import sys
import threading

from seeds import do_math, do_math_check


if __name__ == "__main__":
    n, procs = int(sys.argv[1]), int(sys.argv[2])
    check = "--check" in sys.argv[3:]
    partials = [None] * procs
    jobs = []
    for i in range(1, procs + 1):
        seg = (n * (i - 1) / procs, n * i / procs)
        if check:
            def part(a, b, slot=i - 1):
                partials[slot] = do_math_check(a, b)
            t = threading.Thread(target=part, args=seg)
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
