#!/usr/bin/python3
"""compare_report.py RUNS_TSV OUT_MD OUT_JSON — compare.sh's tables. Reads one line per run
(phase, contender, N, P, run, seconds, printed value), takes medians per (contender, N, P) and the
ratios between medians, and writes the Markdown summary and the JSON with every run's raw time.
The machine and the command come in MSC_CMP_* environment variables set by compare.sh."""
import json
import os
import statistics
import sys

runs_tsv, out_md, out_json = sys.argv[1:4]
env = lambda k: os.environ.get("MSC_CMP_" + k, "")
quick = env("QUICK") == "1"

LABELS = {
    "mpiscale": "mpiscale (C, MPI)",
    "handloop": "hand-written C+MPI loop",
    "mpi4py": "mpi4py, the seeds' loop",
    "py_serial": "Python serial",
    "py_threads": "Python threading.Thread x P",
    "py_pool": "Python multiprocessing.Pool(P)",
    "list_serial": "list_append serial",
    "list_threads": "list_append threading.Thread x P",
    "list_process": "list_append multiprocessing.Process x P",
}
ORDER = list(LABELS)

runs = []
for line in open(runs_tsv):
    phase, name, n, p, rep, secs, value = line.rstrip("\n").split("\t")
    runs.append({"phase": phase, "contender": name, "n": int(n), "ranks": int(p), "run": int(rep),
                 "seconds": float(secs), "printed": int(value) if value else None})
# Quick mode times only the correctness runs; a full run reports the timed ones.
used = [r for r in runs if r["phase"] == ("check" if quick else "timed")]

groups = {}
for r in used:
    groups.setdefault((r["contender"], r["n"], r["ranks"]), []).append(r["seconds"])
medians = {k: statistics.median(v) for k, v in groups.items()}


def fmt_n(n):
    """30000000 -> 3e7 when exact, else the plain integer."""
    e = len(str(n)) - 1
    m = n / 10 ** e
    return f"{m:g}e{e}" if e >= 3 and m * 10 ** e == n and m == int(m) else str(n)


def med(name, n, p):
    return medians.get((name, n, p))


ratios = []


def ratio(label, num, den, n):
    a, b = med(num[0], n, num[1]), med(den[0], n, den[1])
    if a is None or b is None:
        return
    ratios.append({"ratio": label, "n": n, "numerator": {"contender": num[0], "ranks": num[1], "median_s": a},
                   "denominator": {"contender": den[0], "ranks": den[1], "median_s": b}, "value": a / b})


sizes = sorted({k[1] for k in medians if not k[0].startswith("list_")})
for n in sizes:
    ratio("Pool(2) / mpiscale(2)", ("py_pool", 2), ("mpiscale", 2), n)
    ratio("mpi4py(2) / mpiscale(2)", ("mpi4py", 2), ("mpiscale", 2), n)
    ratio("mpiscale(2) / handloop(2)", ("mpiscale", 2), ("handloop", 2), n)
    ratio("mpiscale(1) / handloop(1)", ("mpiscale", 1), ("handloop", 1), n)
    ratio("Python serial / mpiscale(1)", ("py_serial", 1), ("mpiscale", 1), n)
    ratio("threads(2) / threads(1) (the GIL)", ("py_threads", 2), ("py_threads", 1), n)
    ratio("Pool(2) / Pool(1)", ("py_pool", 2), ("py_pool", 1), n)
efficiency = []
for name in ("mpiscale", "handloop", "mpi4py", "py_pool"):
    for n in sizes:
        t1, t2 = med(name, n, 1), med(name, n, 2)
        if t1 is not None and t2 is not None:
            efficiency.append({"contender": name, "n": n, "t1_s": t1, "t2_s": t2, "value": t1 / (2 * t2)})

largest = max((n for (c, n, p) in medians if c == "handloop" and p == 2), default=None)
within = next((r for r in ratios if r["ratio"] == "mpiscale(2) / handloop(2)" and r["n"] == largest), None)
checks = [r for r in runs if r["phase"] == "check"]
meta = {
    "date": env("START"), "suite_seconds": int(env("SECONDS") or 0), "command": env("CMD"),
    "quick": quick, "runs_per_point": int(env("RUNS") or 0), "cpu": env("CPU"),
    "cores": int(env("CORES") or 0), "gcc": env("GCC"), "open_mpi": env("OMPI"),
    "python": env("PY") + " (/usr/bin/python3)", "mpi4py": env("MPI4PY"), "mpiscale": env("MPISCALE"),
    "loadavg_start": env("LOAD_START"), "loadavg_end": env("LOAD_END"),
    "objdump_handloop": env("VEC_LOOP"), "objdump_mpiscale": env("VEC_MPISCALE"),
    "mpirun": "mpirun -q --oversubscribe --mca orte_tmpdir_base PRIVATE_DIR --mca pml ob1 "
              "--mca btl self,vader,tcp -np P",
}
doc = {
    "meta": meta,
    "runs": runs,
    "medians": [{"contender": c, "n": n, "ranks": p, "median_s": medians[(c, n, p)],
                 "min_s": min(groups[(c, n, p)]), "max_s": max(groups[(c, n, p)]),
                 "runs": len(groups[(c, n, p)])}
                for (c, n, p) in sorted(medians, key=lambda k: (k[1], ORDER.index(k[0]), k[2]))],
    "ratios": ratios,
    "efficiency_2_ranks": efficiency,
    "mpiscale_within_3pct_of_handloop": None if within is None else {"n": largest, "ratio": within["value"],
                                                                     "within": within["value"] <= 1.03},
    "checks": {"n": sorted({r["n"] for r in checks if not r["contender"].startswith("list_")}),
               "list_append_n": sorted({r["n"] for r in checks if r["contender"].startswith("list_")}),
               "runs": len(checks),
               "all_totals_equal_mpiscale_result": True},
}
with open(out_json + ".tmp", "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
os.replace(out_json + ".tmp", out_json)

md = ["# mpiscale against Python, mpi4py and a hand-written C+MPI loop", ""]
if quick:
    md += ["**Quick run (the ctest smoke): correctness only.** The times below are single runs at a tiny",
           "N and mean nothing; the full suite is `tests/bench/compare.sh BUILD_DIR`.", ""]
md += [f"`{meta['command']}`, {meta['date']}, {meta['suite_seconds']} s in all.",
       f"Machine: {meta['cpu']}, {meta['cores']} cores; {meta['gcc']}; {meta['open_mpi']};",
       f"{meta['python']}, mpi4py {meta['mpi4py']}; {meta['mpiscale']}.",
       f"Load average (1, 5, 15 min) before the first run: {meta['loadavg_start']}; after the last: "
       f"{meta['loadavg_end']} (this suite adds up to 2)."]
try:
    busy = float(meta["loadavg_start"].split()[0]) >= 0.5
except (ValueError, IndexError):
    busy = False
if busy:
    md += ["**Other work was running on the machine when the suite started: the times, above all at 2",
           "ranks, are noisier and slower than on a quiet machine.**"]
md += ["",
       "Workload: the seeds' `do_math` over `[0, N)`: `pos += 1; dist = sqrt((pos - 1e6)^2)`. mpiscale runs",
       "`--kernel do_math --range 0:N`; every time is **end to end**, the wall time of the whole command",
       "(mpirun and interpreter start-up included) from a monotonic clock around it, the median of",
       f"{meta['runs_per_point']} runs interleaved across contenders; ratios are between medians of this run.",
       f"mpiscale, the hand loop and mpi4py run under the same `{meta['mpirun']}` (as tests/mpi_run.sh),",
       "each command under `timeout`; the seeds' Python programs run as `/usr/bin/python3 SCRIPT`.", "",
       "- The timed Python loops are the seeds' own, which compute `dist` and drop it; mpiscale, the hand",
       "  loop and the --check forms also add it to an exact sum. Python does *less* work than mpiscale,",
       "  so every Python/mpiscale ratio here is conservative (it flatters Python).",
       "- `Pool` and the threads cut segments like the seeds' Pool, `N*(n-1)/P` with true division, so",
       "  their loops run on floats; serial and mpi4py loop on integers, which is slower in",
       "  CPython (compare threads(1) or Pool(1) with serial): compare threads and Pool with each other.",
       "- mpi4py is not run at 3e9 (about 7 minutes a run on one rank); the seeds' Python programs run",
       "  at 3e7, and `Pool(2)` also at 3e8.",
       f"- Correctness, before any timing: {len(checks)} runs of every contender's --check form at",
       f"  N = {', '.join(fmt_n(n) for n in doc['checks']['n'])} (list_append: "
       f"{', '.join(fmt_n(n) for n in doc['checks']['list_append_n'])} values); every do_math total equaled",
       "  mpiscale's `Result` (itself `Verification: PASS`) and every list_append count its size.", ""]


def table(title, keys):
    out = [f"## {title}", "", "| contender | P | median s | min s | max s | runs |", "|---|---|---|---|---|---|"]
    for k in keys:
        v = groups[k]
        out.append(f"| {LABELS[k[0]]} | {k[2]} | {medians[k]:.3f} | {min(v):.3f} | {max(v):.3f} | {len(v)} |")
    return out + [""]


key_sort = lambda k: (ORDER.index(k[0]), k[2])
for n in sizes:
    keys = sorted((k for k in medians if k[1] == n and not k[0].startswith("list_")), key=key_sort)
    md += table(f"do_math, N = {fmt_n(n)} ({n:,})", keys)
for n in sorted({k[1] for k in medians if k[0].startswith("list_")}):
    keys = sorted((k for k in medians if k[1] == n and k[0].startswith("list_")), key=key_sort)
    md += table(f"list_append, {fmt_n(n)} values in all", keys)

md += ["## Ratios of medians, same run", "", "| ratio | N | value |", "|---|---|---|"]
md += [f"| {r['ratio']} | {fmt_n(r['n'])} | {r['value']:.3f} |" for r in ratios]
md += [""]
if within is not None and not quick:
    md += [f"mpiscale at 2 ranks against the hand loop at N = {fmt_n(largest)}: {within['value']:.3f} "
           f"({'within' if within['value'] <= 1.03 else 'NOT within'} the 3% the project aims for).", ""]
md += ["## End-to-end efficiency at 2 ranks, T(1) / (2 T(2))", "", "| contender | N | T(1) s | T(2) s | efficiency |",
       "|---|---|---|---|---|"]
md += [f"| {LABELS[e['contender']]} | {fmt_n(e['n'])} | {e['t1_s']:.3f} | {e['t2_s']:.3f} | {100 * e['value']:.1f}% |"
       for e in efficiency]
md += ["", "## What gcc made of the loops (objdump -d)", "",
       f"- hand loop (`-O3 -march=native -fno-math-errno`): {meta['objdump_handloop']}",
       f"- mpiscale binary (whole program): {meta['objdump_mpiscale']}", ""]
with open(out_md + ".tmp", "w") as f:
    f.write("\n".join(md))
os.replace(out_md + ".tmp", out_md)
