/* report.h — everything one run produced, and its three renderings: the human report on a FILE*,
 * one JSON Lines object (jansson), and a CSV row. Output files are appended whole or not at all. */
#ifndef MSC_REPORT_H
#define MSC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "mpiscale/isa.h"
#include "mpiscale/kernel.h"
#include "mpiscale/model.h"
#include "mpiscale/range.h"
#include "mpiscale/schedule.h"
#include "mpiscale/status.h"
#include "mpiscale/timing.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_SCHEMA_VERSION 2

typedef struct msc_host {
    char name[64]; /* hostname as MPI_Get_processor_name reports it */
    int ranks;     /* ranks placed on it */
    int cores;     /* online cores it reports */
    char rank_list[96]; /* its ranks as ranges, "0-1" or "2,5,8" ("..." when cut); "" unknown */
    int bound_ranks;    /* ranks whose CPU affinity is narrower than the node's online cores */
    int bound_cpus;     /* the widest such affinity, in CPUs (0 when no rank is bound) */
    char isa[8];        /* the kernels' vector path its ranks used (isa.h), "" unknown */
} msc_host;

typedef struct msc_run_record {
    /* inputs */
    const msc_kernel *kernel;
    msc_params params;
    msc_range range;
    int64_t segments;
    msc_schedule schedule;    /* as run: the chunk resolved by the default rule when not given */
    int serial_baseline;
    int slow_rank;            /* --slow-rank R:F: R, or -1 */
    int slow_factor;          /* F, 1 when not given */
    int sweep_mode;           /* 0 outside a sweep, 1 strong, 2 weak */
    int sweep_run;            /* in a sweep: this run's index among its point's measured runs */
    double sweep_precision;   /* --repeat auto: the precision asked (a fraction), else 0 */
    int sweep_cap;            /*   and its CAP, else 0 */
    /* placement */
    int ranks;
    int nodes;
    int idle_ranks;           /* ranks that were given no segment */
    int oversubscribed_nodes; /* nodes running more ranks than they have cores */
    msc_host *hosts;          /* nodes entries, owned (msc_record_free) */
    char isa_requested[8];    /* --isa when a path was named, "" for auto (the default) */
    long peak_rss_min_kib;    /* the smallest and largest peak resident set size of a rank after */
    long peak_rss_max_kib;    /*   the run (getrusage), KiB; 0 when unknown */
    int peak_rss_max_rank;    /* the rank with the largest, or -1 when unknown */
    /* outcome */
    int64_t reused_segments;  /* resumed run: segments taken from the checkpoint journal, not
                                 computed (its times cover the others only); 0 otherwise */
    msc_status status;
    char result[64];
    char digest[17];          /* 16 hex digits */
    msc_verdict verdict;
    /* timings (seconds) */
    msc_phase_stats phases[MSC_PHASE_COUNT];
    double imbalance;         /* max / mean compute - 1 */
    msc_balance balance;      /* how the schedule did: idle time, claims, advice */
    msc_measure measure;
    msc_analysis analysis;
    /* provenance */
    char mpi_library[160];
    char transport[200];      /* the MPI transport the launcher asked for (Open MPI's pml, btl and
                                 interfaces from OMPI_MCA_*), or "" when it did not say */
    char compiler[64];
    char start_time[32];      /* ISO 8601, UTC */
} msc_run_record;

/* Releases what *rec owns and zeroes it. Safe on a zeroed record. */
void msc_record_free(msc_run_record *rec);

/* Name of a run status as stored in JSON and CSV: "complete", "invalid_input", "io_error",
 * "verification_failed", "internal_error". */
const char *msc_status_label(msc_status st);

/* Writes the full human report to f. */
void msc_report_text(FILE *f, const msc_run_record *rec);

/* Writes a one-line summary (kernel, ranks, result, verification, wall, speedup) to f. */
void msc_report_summary(FILE *f, const msc_run_record *rec);

/* Returns the run as one compact JSON object without a newline (malloc'd; caller frees), or NULL
 * when out of memory. */
char *msc_report_json(const msc_run_record *rec);

/* The CSV header line and one row for rec, each without newline, into buf. Returns MSC_ERR_NOMEM
 * if buf is too small. */
const char *msc_report_csv_header(void);
msc_status msc_report_csv_row(const msc_run_record *rec, char *buf, size_t len);

/* Checks, without creating anything, that `path` could be appended to: the file is writable or
 * absent in a writable directory. MSC_ERR_IO with the reason otherwise. */
msc_status msc_output_check(const char *path, char *err, size_t len);

/* 1 when paths a and b name the same file (same inode when both exist; the same directory and
 * file name otherwise), 0 when not. */
int msc_output_same(const char *a, const char *b);

/* Appends one JSON line / one CSV row (with the header first when the file is new or empty) with
 * msc_atomic_append (atomic.h): the file is replaced whole, so it holds the new record or is left
 * as it was. MSC_ERR_IO with the reason on any failure. */
msc_status msc_report_json_append(const char *path, const msc_run_record *rec, char *err,
                                  size_t len);
msc_status msc_report_csv_append(const char *path, const msc_run_record *rec, char *err,
                                 size_t len);

/* ---- sweeps ------------------------------------------------------------------------------------ */

#define MSC_SWEEP_ROWS 64 /* as MSC_MAX_SWEEP */

/* One measured run of a sweep, as the summary needs it. */
typedef struct msc_sweep_run {
    int p;               /* ranks */
    double wall_s;       /* job time */
    double t1_est_s;     /* its own estimated T1 (segment times + serial phases) */
    double serial_s;     /* its timed serial phases on rank 0 (setup, serial share, combine) */
    double scatter_s;    /* the slowest rank's scatter, compute and gather phases (NAN when not */
    double compute_s;    /*   known: mpiscale-report reading an older record) */
    double gather_s;
    double probe_s;      /* --schedule weighted: the slowest rank's probe (calibrate phase); 0 or
                            NAN otherwise */
    double imbalance;    /* max/mean compute - 1 */
    double ns_per_item;  /* msc_record_ns_per_item of the run, NAN when not known */
    int t1_baseline;     /* t1_est_s was measured by --serial-baseline (rank 0 alone) */
    int nodes;
    int oversubscribed;  /* nodes with more ranks than cores */
    int verified;
    char digest[17];
} msc_sweep_run;

typedef struct msc_sweep_row {
    int p, nodes, oversubscribed;
    int verified;        /* every run at this p verified */
    msc_sample wall;     /* job times, seconds */
    double speedup;      /* T1 / median (strong); p T1 / median, the scaled speedup (weak) */
    double efficiency;   /* speedup / p */
    double karp_flatt;   /* from the median speedup (strong, p > 1); NAN otherwise */
    double imbalance;    /* median over the runs */
    double serial_s, scatter_s, compute_s, gather_s, probe_s; /* the phase breakdown: medians over the
                                                        runs of msc_sweep_run's phases, NAN when
                                                        no run knows them */
    char digest[17];     /* of the first run; digests counts the distinct ones at this p */
    int digests;
} msc_sweep_row;

typedef struct msc_sweep_summary {
    int weak;
    int n_rows;
    msc_sweep_row rows[MSC_SWEEP_ROWS];
    double t1_s;          /* T1: the median job time at p = 1 when swept, else an estimate */
    int t1_measured;      /* 1 when t1_s was measured at p = 1 */
    int t1_baseline;      /* 1 when, without p = 1, every run of the smallest point measured its
                             T1 with --serial-baseline */
    int digests_agree;    /* strong: one digest over every run of every point */
    int fit_skipped_rows; /* points left out of the fits because their ranks shared cores (only
                             while at least 2 distinct p remain) */
    int fit_skipped_runs; /* outlier runs (3 scaled MADs from their point's median) left out */
    msc_amdahl_fit amdahl;       /* strong: over every run's speedup */
    msc_usl_fit usl;             /* strong, with 3 or more distinct p */
    msc_gustafson_fit gustafson; /* weak */
    double serial_share;  /* strong: median over runs of timed serial phases / T1 */
    int max_p;            /* the largest p swept */
    double target_speedup; /* planner inputs, copied by the caller (0 = not asked) */
    double min_efficiency;
    double precision;     /* --repeat auto, copied by the caller: the precision asked (a fraction) */
    int repeat_cap;       /*   and CAP; both 0 for a fixed --repeat */
} msc_sweep_summary;

/* Builds the table and the fits from runs[0..n) (in any order; rows come out by p). T1 is the
 * median job time of the p = 1 runs when there are any, otherwise the median of the smallest
 * point's own estimates (divided by p when weak: that point did p times the 1-rank work). Fits use every run except outliers (more than 3 scaled MADs from their
 * point's median) and runs on oversubscribed nodes while at least 2 distinct p remain without
 * them. MSC_ERR_USAGE for n < 1 or more than MSC_SWEEP_ROWS distinct p,
 * MSC_ERR_NOMEM. */
msc_status msc_sweep_summarise(const msc_sweep_run *runs, int n, int weak, msc_sweep_summary *out);

/* Where T1 came from, as one phrase: "measured: the median job time at p = 1", "measured by
 * --serial-baseline (rank 0 alone) at the smallest point" or "estimated from ...". */
const char *msc_sweep_t1_source(const msc_sweep_summary *s);

/* Writes the sweep table (with each point's outlier runs and the half-width of its median's 95%
 * interval), T1's source, warnings, with --repeat auto how many runs each point took and which
 * stopped at the cap short of the precision, and the fitted models to f. */
void msc_report_sweep_text(FILE *f, const msc_sweep_summary *s);

/* ---- --calibrate: the runtime's own overhead ---------------------------------------------------- */

/* The empty kernel's runs at one rank count, as medians over `runs` runs (seconds). */
typedef struct msc_calibration_row {
    int p;            /* ranks */
    int runs;         /* empty-kernel runs made at this p */
    double job_s;     /* job time: setup through combine on rank 0 */
    double scatter_s; /* the slowest rank's scatter phase */
    double gather_s;  /* the slowest rank's gather phase */
    double combine_s; /* rank 0's combine phase */
} msc_calibration_row;

typedef struct msc_calibration {
    int ranks;        /* the launch's ranks, over which MPI_Init was timed */
    msc_sample init;  /* every rank's MPI_Init time, seconds */
    int n_rows;       /* rows by ascending p */
    msc_calibration_row rows[MSC_SWEEP_ROWS];
    /* For a kernel with a per_item_op: the node's limit for that instruction on the path in use,
     * measured by every rank at once (isa.h); 0 when not measured. */
    char isa[8];              /* rank 0's path */
    msc_op op;                /* the instruction measured */
    double limit_ns;          /* the median over the ranks of their limit, ns per double */
    double limit_max_ns;      /* the slowest rank's */
    double add_latency_ns;    /* the median over the ranks of a dependent double add, ns */
    double kernel_ns;         /* set by the caller: the measured run's ns per element
                                 (msc_record_ns_per_item), or NAN when it has none */
} msc_calibration;

/* The measured run's kernel time per element on one rank: the segments' compute times added up
 * over the elements they covered. NAN for a resumed run (its segment times cover only part of the
 * job) or when nothing was timed. */
double msc_record_ns_per_item(const msc_run_record *rec);

/* What Amdahl's f would be if the runtime were the job's only serial part and overhead: the fit
 * (msc_fit_amdahl, same refusals) of the speedups T1 / (W/p + o(p)) at the calibrated p, with o(p)
 * the empty-kernel job time at p and W = T1 - o(1) (T1 when p = 1 was not calibrated). The points
 * that sweep's fits left out (ranks sharing cores) are left out here too; sweep may be NULL. */
void msc_calibration_fit(const msc_calibration *c, double t1_s, const msc_sweep_summary *sweep,
                         msc_amdahl_fit *out);

/* Writes the "Runtime overhead (--calibrate)" block to f: MPI_Init min/median/max over the ranks,
 * per p the empty-kernel job, scatter, gather and combine times and the job time as a share of
 * T1 (t1_source says how T1 was had, e.g. "measured: the median job time at p = 1"), and, for a
 * strong sweep (sweep not NULL), how much of its fitted Amdahl f the runtime alone accounts for
 * (msc_calibration_fit). */
void msc_report_calibration_text(FILE *f, const msc_calibration *c, double t1_s,
                                 const char *t1_source, const msc_sweep_summary *sweep);

#ifdef __cplusplus
}
#endif
#endif /* MSC_REPORT_H */
