/* model.h — Amdahl's Law and Karp–Flatt arithmetic, a pure function of measured times. The same
 * code serves one run today and the scaling studies later. */
#ifndef MSC_MODEL_H
#define MSC_MODEL_H

#include <stdint.h>

#include "mpiscale/schedule.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Amdahl's predicted speedup 1 / (f + (1 - f) / p) for serial fraction f in [0, 1], p >= 1. */
double msc_amdahl_speedup(double f, double p);

/* Amdahl's ceiling 1 / f (INFINITY when f == 0). */
double msc_amdahl_ceiling(double f);

/* Karp–Flatt experimentally determined serial fraction (1/s - 1/p) / (1 - 1/p) from a measured
 * speedup s on p > 1 processors; NAN when p <= 1 or s <= 0. */
double msc_karp_flatt(double speedup, double p);

/* What one run measured, in seconds. */
typedef struct msc_measure {
    int ranks;                 /* P */
    double wall_s;             /* job time on P ranks: setup through combine, rank 0 */
    double setup_s;            /* rank 0's setup phase */
    double serial_s;           /* rank 0's time in the serial phases: setup, serial share, combine */
    double compute_sum_s;      /* sum of all segment compute times */
    double compute_max_s;      /* slowest rank's compute time */
    double baseline_s;         /* --serial-baseline: rank 0 alone, serial share + every segment +
                                  combine; < 0 when no baseline was run */
    double baseline_compute_s; /* the segments part of baseline_s */
} msc_measure;

typedef enum msc_t1_source { MSC_T1_ESTIMATED = 0, MSC_T1_BASELINE } msc_t1_source;

typedef struct msc_analysis {
    msc_t1_source t1_source;
    double t1_s;              /* single-rank job time: measured baseline or estimate */
    double speedup;           /* t1_s / wall_s */
    double efficiency;        /* speedup / P */
    double compute_speedup;   /* single-rank compute time / slowest rank's compute time */
    double serial_fraction;   /* f: serial phases / t1_s, clamped to [0, 1] */
    double karp_flatt;        /* from `speedup` at P; NAN when P == 1 */
    double ceiling;           /* 1 / f */
} msc_analysis;

/* Derives the analysis from m. T1 is baseline_s + setup_s when a baseline was run, otherwise the
 * estimate serial_s + compute_sum_s; the compute speedup divides baseline_compute_s (or
 * compute_sum_s) by compute_max_s. */
void msc_model_analyse(const msc_measure *m, msc_analysis *out);

/* How a schedule spread the work, as measured. Times in seconds. */
typedef struct msc_balance {
    int64_t chunks;          /* chunks in the plan (claims that found work, for dynamic kinds) */
    int64_t claims;          /* atomic fetch-and-add operations (dynamic, guided); 0 otherwise */
    double claims_s;         /* their total time over all ranks (each flushed to completion) */
    double claim_max_s;      /* the slowest single claim */
    double idle_s;           /* sum over ranks of (slowest compute - own compute): rank-seconds
                                spent waiting for the slowest rank */
    double idle_fraction;    /* idle_s / (P * slowest compute): capacity lost to waiting */
    double speed_min;        /* weighted: slowest and fastest calibrated rank, elements/s; */
    double speed_max;        /*   0 for other schedules */
    double cost_trend;       /* mean segment time of the last tenth of the range over the first
                                tenth (1 = uniform); NAN with fewer than 10 segments */
    double cost_spread;      /* slowest segment over the median segment */
    double rank_skew;        /* static schedules: how much slower the slowest rank ran alike
                                segments (>= 1; NAN when it cannot be told) */
    char advice[320];        /* one line when another schedule would likely do better, else "" */
} msc_balance;

/* Imbalance above which the advice looks for a better schedule (10%). */
#define MSC_ADVICE_IMBALANCE 0.10

/* Fills the idle_s, idle_fraction, cost_trend, cost_spread, rank_skew and advice fields of b
 * from the measurements: seg_s[0..n_seg) segment compute times in segment order, seg_rank[0..n_seg)
 * the rank that computed each (NULL if unknown), compute_s[0..n_ranks) each rank's compute phase,
 * imbalance (max/mean - 1), and the claims and chunks already in b. Above 10% imbalance the advice
 * names the likely cause — ranks running alike segments at different speeds, cost growing along
 * the range, irregular segment costs — and the schedule that would likely do better; for dynamic
 * kinds it flags costly claims or too few chunks. */
void msc_balance_analyse(msc_schedule_kind kind, int64_t n_seg, const double *seg_s,
                         const int *seg_rank, int n_ranks, const double *compute_s,
                         double imbalance, msc_balance *b);

/* ---- repeated measurements ------------------------------------------------------------------ */

typedef struct msc_sample {
    int n;            /* measurements */
    double median, min, max, mean;
    double mad;       /* median absolute deviation from the median */
    double ci_lo;     /* distribution-free 95% interval of the median from order statistics */
    double ci_hi;     /*   (binomial ranks); NAN for n < 6, where no such interval reaches 95% */
    double ci_level;  /* the interval's exact coverage (>= 0.95), NAN with no interval */
    int outliers;     /* measurements further than 3 scaled MADs (3 * 1.4826 * MAD) from the median */
} msc_sample;

/* The fewest measurements for which msc_sample_stats gives a 95% interval of the median: with
 * 5, even the widest order-statistic interval (min to max) covers only 93.75%. */
#define MSC_SAMPLE_MIN_CI 6

/* Summarises x[0..n) (n >= 1, finite values) into *out; when flags is not NULL, flags[i] = 1 marks
 * x[i] as an outlier. Returns MSC_ERR_USAGE for n < 1, MSC_ERR_NOMEM. x is not modified. */
msc_status msc_sample_stats(const double *x, int n, msc_sample *out, int *flags);

/* 1 when the 95% interval of the median lies within +-precision (a fraction, e.g. 0.02) of the
 * median, 0 otherwise (also when there is no interval yet). */
int msc_sample_precise(const msc_sample *s, double precision);

/* The wider side of the 95% interval of the median, as a fraction of the median:
 * max(median - ci_lo, ci_hi - median) / median. NAN when there is no interval or the median is
 * not above 0. msc_sample_precise(s, x) holds when this is at most x (up to rounding). */
double msc_sample_halfwidth(const msc_sample *s);

/* ---- fitted models over several measurements (scaling studies) ------------------------------
 * Each fit takes one measurement per element (repeats included, not medians, so that the scatter
 * of repeats enters the uncertainty) and either returns estimates with a standard error and a 95%
 * interval (Student's t), or refuses with the reason in `why` — never a made-up number. */

typedef struct msc_fit {
    int ok;           /* 1 when fitted; 0 with the reason in why */
    char why[200];    /* refusal reason, or "" */
    char note[200];   /* a caveat on a fit that was made (too noisy, clamped at 0), or "" */
    int n;            /* measurements used */
    int n_distinct;   /* distinct p among them */
    double rmse;      /* root-mean-square residual, in the fit's own units */
} msc_fit;

/* Amdahl: 1/S = f + (1 - f)/p, i.e. 1/S - 1/p = f (1 - 1/p): least squares through the origin. */
typedef struct msc_amdahl_fit {
    msc_fit fit;
    double f;         /* serial fraction */
    double f_se;      /* its standard error (NAN with a single informative measurement) */
    double f_lo, f_hi; /* 95% interval, clamped to [0, 1] */
    double ceiling;   /* 1 / f (INFINITY when f == 0) */
} msc_amdahl_fit;

/* Fits f to speedups s[i] measured on p[i] ranks (p >= 1, s > 0), n >= 1. Refuses with fewer than
 * 2 distinct p, with no measurement at p > 1, with non-finite or non-positive input, and when the
 * fitted f is negative (superlinear data: Amdahl's shape does not fit). */
void msc_fit_amdahl(const double *p, const double *s, int n, msc_amdahl_fit *out);

/* Gustafson: scaled speedup S = p - a (p - 1), with a the serial fraction of the parallel run;
 * least squares of p - S = a (p - 1) through the origin. Same refusals as msc_fit_amdahl (a < 0
 * is superlinear). */
typedef struct msc_gustafson_fit {
    msc_fit fit;
    double alpha, alpha_se, alpha_lo, alpha_hi;
} msc_gustafson_fit;
void msc_fit_gustafson(const double *p, const double *scaled_s, int n, msc_gustafson_fit *out);

/* Universal Scalability Law: S = p / (1 + sigma (p - 1) + kappa p (p - 1)); least squares of
 * p/S - 1 = sigma (p - 1) + kappa p (p - 1) through the origin. Needs at least 3 distinct p.
 * kappa_significant when its 95% interval lies above 0: the speedup then peaks at
 * p_peak = sqrt((1 - sigma) / kappa) and falls beyond (retrograde scaling). */
typedef struct msc_usl_fit {
    msc_fit fit;
    double sigma, sigma_se, kappa, kappa_se;
    double sigma_lo, sigma_hi, kappa_lo, kappa_hi;
    int kappa_significant;
    double p_peak;    /* INFINITY when kappa <= 0 */
} msc_usl_fit;
void msc_fit_usl(const double *p, const double *s, int n, msc_usl_fit *out);

/* The two-sided 95% quantile of Student's t with dof >= 1 degrees of freedom (1.96 as dof grows);
 * NAN for dof < 1. */
double msc_t95(int dof);

/* Planning from a serial fraction f in [0, 1] (1 can be an interval's end): the fewest ranks that reach speedup `target`
 * (INFINITY when target >= 1/f, NAN for target < 1), and the most ranks that keep efficiency at or
 * above `floor_e` in (0, 1] (INFINITY when f == 0). Amdahl's Law, rounded to whole ranks. */
double msc_ranks_for_speedup(double f, double target);
double msc_ranks_for_efficiency(double f, double floor_e);

#ifdef __cplusplus
}
#endif
#endif /* MSC_MODEL_H */
