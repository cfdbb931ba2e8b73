#!/usr/bin/python3
"""compare_timed.py SECONDS_FILE COMMAND [ARGS...] — runs COMMAND (stdin, stdout and stderr
inherited) and writes its wall time in seconds, from the monotonic clock (time.perf_counter) read
just before the start and just after the end, to SECONDS_FILE. Exits with COMMAND's status (128+N
when a signal N ended it). Used by compare.sh for every end-to-end time: launch included, and never
the programs' own reports."""
import subprocess
import sys
import time

if len(sys.argv) < 3:
    sys.exit("usage: compare_timed.py SECONDS_FILE COMMAND [ARGS...]")
t0 = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
elapsed = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    f.write(f"{elapsed:.6f}\n")
sys.exit(128 - rc if rc < 0 else rc)
