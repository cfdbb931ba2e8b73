#!/usr/bin/python3
"""The seeds' list_append: append random.random() `count` times to a list, here SIZE appends
split over P jobs (job n appends SIZE*(n+1)//P - SIZE*n//P), run serially (one call of SIZE),
with threading.Thread or with multiprocessing.Process, each job with its own list.

usage: list_append.py serial|threads|process SIZE P [--check]
--check prints `Total: ` the number of values appended over all jobs (must equal SIZE); a
Process's list stays in the child, so there each child sends its length back through a Queue.
"""
import multiprocessing
import random
import sys
import threading


def list_append(count, id, out_list):
    for i in range(count):
        out_list.append(random.random())


def list_append_report(count, id, queue):
    out_list = []
    list_append(count, id, out_list)
    queue.put(len(out_list))


if __name__ == "__main__":
    mode, size, procs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    check = "--check" in sys.argv[4:]
    counts = [size * (n + 1) // procs - size * n // procs for n in range(procs)]
    if mode == "serial":
        out_list = []
        list_append(size, 0, out_list)
        total = len(out_list)
    elif mode == "threads":
        lists, jobs = [], []
        for n in range(procs):
            out_list = list()
            lists.append(out_list)
            jobs.append(threading.Thread(target=list_append, args=(counts[n], n, out_list)))
        for j in jobs:
            j.start()
        for j in jobs:
            j.join()
        total = sum(len(x) for x in lists)
    elif mode == "process":
        queue = multiprocessing.Queue() if check else None
        jobs = []
        for n in range(procs):
            if check:
                jobs.append(multiprocessing.Process(target=list_append_report, args=(counts[n], n, queue)))
            else:
                out_list = list()
                jobs.append(multiprocessing.Process(target=list_append, args=(counts[n], n, out_list)))
        for j in jobs:
            j.start()
        # Drain the queue before joining: a child blocks on exit until its queued item is read.
        total = sum(queue.get() for _ in jobs) if check else None
        for j in jobs:
            j.join()
        if any(j.exitcode != 0 for j in jobs):
            sys.exit(f"list_append.py: a process failed: exit codes {[j.exitcode for j in jobs]}")
    else:
        sys.exit(f"list_append.py: unknown mode {mode} (serial, threads or process)")
    if check:
        print(f"Total: {total}")
    else:
        print(f"done: list_append {mode} SIZE={size} P={procs}")
