#!/usr/bin/python3
"""The seeds' do_math with multiprocessing.Pool(P): one apply_async per segment
(N*(n-1)/P, N*n/P) for n in 1..P, then pool.close() and pool.join(), exactly their pattern
(true division: the workers loop on floats; the results are never fetched).

usage: do_math_pool.py N P [--check]
--check runs the summing loop instead, fetches the partial sums with .get() and prints the exact
integer total (N must then be a multiple of P, so that every segment bound is a whole number).
"""
import multiprocessing
import sys

from seeds import do_math, do_math_check


if __name__ == "__main__":
    num, procs = int(sys.argv[1]), int(sys.argv[2])
    check = "--check" in sys.argv[3:]
    if check and num % procs:
        sys.exit(f"do_math_pool.py: --check needs N ({num}) to be a multiple of P ({procs})")
    pool = multiprocessing.Pool(procs)
    results = []
    for n in range(1, procs + 1):
        if check:
            results.append(pool.apply_async(do_math_check, (num * (n - 1) / procs, num * n / procs)))
        else:
            pool.apply_async(do_math, (num * (n - 1) / procs, num * n / procs))
    pool.close()
    pool.join()
    if check:
        print(f"Total: {sum(r.get() for r in results)}")
    else:
        print(f"done: do_math Pool({procs}) N={num}")
