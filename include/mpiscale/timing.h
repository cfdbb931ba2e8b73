/* timing.h — the phases a run is timed in, a monotonic clock, and the reduction of per-rank phase
 * times to min / mean / max with the slowest rank. Pure C: the driver gathers, this summarises. */
#ifndef MSC_TIMING_H
#define MSC_TIMING_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum msc_phase {
    MSC_PHASE_INIT = 0, /* MPI_Init */
    MSC_PHASE_SETUP,    /* option checks, plan, communicator queries */
    MSC_PHASE_BASELINE, /* --serial-baseline: rank 0 runs the whole range alone (others wait) */
    MSC_PHASE_SERIAL,   /* the kernel's declared serial share, on rank 0 (others wait) */
    MSC_PHASE_CALIBRATE, /* --schedule weighted: every rank times a probe of the kernel */
    MSC_PHASE_SCATTER,  /* the plan to every rank (MPI_Scatter of each rank's segment count) */
    MSC_PHASE_COMPUTE,  /* the kernel over this rank's segments, with dynamic claims */
    MSC_PHASE_GATHER,   /* MPI_Gatherv of partials and segment times */
    MSC_PHASE_COMBINE,  /* rank 0 combines partials in segment order */
    MSC_PHASE_VERIFY,   /* rank 0 checks the result against the kernel's reference */
    MSC_PHASE_COUNT
} msc_phase;

/* Short name of a phase ("compute"); "?" for an out-of-range value. */
const char *msc_phase_name(msc_phase ph);

/* Seconds from an arbitrary fixed origin, monotonic, nanosecond resolution. */
double msc_now_s(void);

typedef struct msc_phase_stats {
    double min_s;  /* seconds, smallest over ranks */
    double mean_s; /* seconds, mean over ranks */
    double max_s;  /* seconds, largest over ranks */
    int max_rank;  /* the (lowest) rank that took max_s */
} msc_phase_stats;

/* Summarises t[r * MSC_PHASE_COUNT + ph] (seconds, r in [0, n_ranks)) into out[ph]. */
void msc_phase_reduce(const double *t, int n_ranks, msc_phase_stats out[MSC_PHASE_COUNT]);

/* Load imbalance of per-rank compute times: max / mean - 1 (0 when the mean is 0). */
double msc_imbalance(const double *compute_s, int n_ranks);

#ifdef __cplusplus
}
#endif
#endif /* MSC_TIMING_H */
