/* driver.h — the only module that calls MPI. One run: plan on rank 0, scatter the segment
 * assignments, compute on every rank, gather partials and timings, combine in segment order and
 * verify on rank 0. Every rank returns the same status. */
#ifndef MSC_DRIVER_H
#define MSC_DRIVER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "mpiscale/cli.h"
#include "mpiscale/journal.h"
#include "mpiscale/report.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What rank 0 can tell of a run in progress, for a live display. Rank 0 sees only its own share
 * of a static schedule; under dynamic and guided it sees the segments handed out so far. */
typedef struct msc_progress {
    const char *phase;  /* "compute", "baseline" (--serial-baseline: rank 0 alone), or "waiting"
                           (rank 0 is done with its share and waits for the others; elapsed_s
                           counts the wait) */
    double fraction;    /* of the phase's work done, 0 to 1, as far as rank 0 can tell */
    double elapsed_s;   /* since the phase began */
    int claimed;        /* 1: fraction counts segments handed out to all ranks (dynamic kinds);
                           0: rank 0's own share (static kinds, baseline) */
} msc_progress;

/* Called on rank 0 only, between segments, at most once every interval_s. */
typedef void (*msc_progress_fn)(const msc_progress *pr, void *ctx);

typedef struct msc_watch {
    msc_progress_fn fn; /* NULL: no calls, and no clock reads for them */
    void *ctx;
    double interval_s;
} msc_watch;

/* What a run is told besides its options, and what it tells back: stop requests, a deadline and
 * the checkpoint journal. Every member may be left zero (and journal_fd -1): no stop, no journal. */
typedef struct msc_run_ctl {
    /* in, every rank */
    const volatile sig_atomic_t *stop; /* nonzero (a signal's number) asks for a graceful stop;
                                          NULL: never */
    double deadline_s;   /* seconds since the Epoch by which the run must have saved its work and
                            written its outputs, or 0 */
    double output_s;     /* time kept before the deadline for the outputs (seconds); the run
                            also keeps twice its longest segment */
    /* in, rank 0 (ignored elsewhere) */
    int journal_fd;      /* each completed segment is appended here as it arrives (-1: none) */
    const unsigned char *have; /* have[s]: segment s is trusted from the journal (n_segments
                                  entries), or NULL */
    const msc_journal_entry *reused; /* reused[s] for each s with have[s] */
    int64_t n_segments;  /* the segment count have[] was loaded for */
    void (*on_stop)(int code, void *ctx); /* rank 0, once, when it first sees a stop asked for
                                             (code: the signal, 0 for the deadline, -1 for a lost
                                             launcher), before the ranks have agreed; NULL: none */
    void *on_stop_ctx;
    /* out, rank 0 */
    int stop_signal;       /* the signal the run was stopped by, or 0 */
    int stopped_by_deadline; /* 1: stopped to meet --deadline / --time-limit */
    int launcher_gone;     /* 1: stopped because a rank's launcher died (its parent process
                              changed: mpirun killed outright) */
    int launcher_gone_rank; /* the lowest such rank (0: mpirun itself; another: that rank's
                               node lost its Open MPI daemon), or -1 */
    int64_t segments;      /* segments of the job (of its parallel part) */
    int64_t reused_count;  /* taken from the journal */
    int64_t computed;      /* computed in this run */
    int64_t journaled;     /* appended to the journal in this run (durable) */
    double journal_s;      /* time rank 0 spent appending (seconds) */
} msc_run_ctl;

/* Testing hook, from the environment variable MSC_FAULT="ACTION:RANK:POINT": the rank RANK (of
 * MPI_COMM_WORLD) does ACTION — exit (exit(1) without MPI_Finalize), segv, kill (SIGKILL itself,
 * as the OOM killer would), abort (MPI_Abort), or hang (sleeps forever, deaf to stop requests) —
 * when it reaches POINT: a number N (after computing N segments), "gather" or "output". Called by
 * the driver and by main. No effect when MSC_FAULT is unset. */
void msc_fault_point(const char *point, int64_t n);

/* Runs the job described by opt (already validated) on every rank of comm; collective.
 * t_init_s is this rank's measured MPI_Init time (seconds; 0 if unknown). On rank 0, *rec is
 * filled (owned data: free with msc_record_free), including when verification failed. Returns
 * the same status on every rank: MSC_OK, MSC_ERR_VERIFY, MSC_ERR_NOMEM, MSC_ERR_MPI or
 * MSC_ERR_INTERNAL, with detail in err on rank 0. */
msc_status msc_driver_run(const msc_options *opt, MPI_Comm comm, double t_init_s,
                          msc_run_record *rec, char *err, size_t len);

/* msc_driver_run, with watch->fn (when watch is not NULL) told of the progress on rank 0. */
msc_status msc_driver_run_watched(const msc_options *opt, MPI_Comm comm, double t_init_s,
                                  const msc_watch *watch, msc_run_record *rec, char *err,
                                  size_t len);

/* msc_driver_run_watched under ctl (may be NULL). The ranks agree at segment boundaries, with a
 * collective at least every ROUND of work (0.1 s) on each rank, whether any of them was asked to
 * stop (*ctl->stop), is out of time (ctl->deadline_s) or has lost its launcher; then all of them stop, rank 0 appends the
 * segments that arrived, and every rank returns MSC_INTERRUPTED (no record is filled). Segments
 * in ctl->have are not computed: their partials come from ctl->reused, and only the others are
 * scheduled over the ranks, so the digest is that of an uninterrupted run. */
msc_status msc_driver_run_ctl(const msc_options *opt, MPI_Comm comm, double t_init_s,
                              const msc_watch *watch, msc_run_ctl *ctl, msc_run_record *rec,
                              char *err, size_t len);

/* Where a sweep stands, for rank 0's hooks. Runs count warm-ups too. */
typedef struct msc_sweep_pos {
    int point;         /* index into points of the run this is about */
    int p;             /* its rank count */
    int run;           /* its index among the point's measured runs; negative for warm-ups */
    int done;          /* runs finished in the whole sweep before this one */
    int total;         /* runs in the whole sweep: exact for --repeat N; with --repeat auto the
                          most there can still be */
    int exact;         /* 1 when total is exact */
    const int *left;   /* left[i]: the most runs point i still makes, this one included */
    int n_points;
} msc_sweep_pos;

/* What rank 0 is told while a sweep runs; any member may be NULL. */
typedef struct msc_sweep_hooks {
    void (*start)(const msc_sweep_pos *pos, void *ctx);  /* before each run */
    void (*done)(const msc_run_record *rec, const msc_sweep_pos *pos, void *ctx); /* after each
                                                            run that produced a record */
    msc_progress_fn progress;  /* during each run, at most once every interval_s */
    double interval_s;
    void *ctx;
    msc_run_ctl *ctl;          /* stop requests and deadline for every run (no journal), or NULL */
} msc_sweep_hooks;

/* Runs the job on the first points[i] ranks of world, for each i, warmup + repeat times each
 * (opt->warmup, opt->repeat), the repeats interleaved across the points; ranks outside the
 * point's communicator sleep until it is done. With opt->repeat_auto, every point makes at least
 * opt->repeat (MSC_SAMPLE_MIN_CI) measured runs; after each later round rank 0 keeps only the
 * points whose job times are not yet msc_sample_precise(opt->precision), and broadcasts which,
 * until none is left or each has opt->repeat_cap runs.
 * With opt->weak the range and the segment count are multiplied by p (callers check the scaled
 * range first). Collective over world; every rank returns the same status and the sweep stops at
 * the first run that does not complete (a failed verification included). */
msc_status msc_driver_sweep(const msc_options *opt, MPI_Comm world, double t_init_s,
                            const int *points, int n_points, const msc_sweep_hooks *hooks,
                            char *err, size_t len);

/* --calibrate: gathers every rank's t_init_s (MPI_Init time) into out->init, then runs the job of
 * opt with the kernel `empty` — same range, segments and schedule (scaled by p with opt->weak) —
 * `runs` times on the first points[i] ranks of world for each i, interleaved, and keeps per
 * point the medians of the job time and of the scatter, gather and combine phases. Nothing is
 * written anywhere. Collective over world; the same status on every rank; out is filled on
 * rank 0. */
msc_status msc_driver_calibrate(const msc_options *opt, MPI_Comm world, double t_init_s,
                                const int *points, int n_points, int runs, msc_calibration *out,
                                char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_DRIVER_H */
