#!/usr/bin/python3
"""do_math with mpi4py: rank r loops over its block [N*r/P, N*(r+1)/P) with the seeds' loop, and
comm.reduce(SUM) brings one number per rank to rank 0. Launch under mpirun -np P.

usage: mpirun -np P python3 do_math_mpi4py.py N [--check]
Timed runs use the seeds' loop (no sum) and reduce each rank's element count; rank 0 prints
`Elements: N`. --check sums `int(dist)` and rank 0 prints `Total: ` the exact integer sum.
"""
import sys

from mpi4py import MPI

from seeds import do_math, do_math_check


if __name__ == "__main__":
    n = int(sys.argv[1])
    check = "--check" in sys.argv[2:]
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    lo, hi = n * rank // size, n * (rank + 1) // size
    if check:
        part = do_math_check(lo, hi)
    else:
        do_math(lo, hi)
        part = hi - lo
    total = comm.reduce(part, op=MPI.SUM, root=0)
    if rank == 0:
        print(f"Total: {total}" if check else f"Elements: {total}")
