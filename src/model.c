/* model.c — Amdahl's Law, Karp–Flatt, and the derivation of speedup, efficiency and the serial
 * fraction from one run's measured times. No I/O, no MPI: a pure function of measurements. */
#include "mpiscale/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

double msc_amdahl_speedup(double f, double p)
{
    return 1.0 / (f + (1.0 - f) / p);
}

double msc_amdahl_ceiling(double f)
{
    return f > 0.0 ? 1.0 / f : INFINITY;
}

double msc_karp_flatt(double speedup, double p)
{
    if (!(p > 1.0) || !(speedup > 0.0)) return NAN;
    return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p);
}

void msc_model_analyse(const msc_measure *m, msc_analysis *out)
{
    msc_analysis a;
    double t1_compute;
    if (m->baseline_s >= 0.0) {
        a.t1_source = MSC_T1_BASELINE;
        a.t1_s = m->baseline_s + m->setup_s; /* the baseline reuses the plan made in setup */
        t1_compute = m->baseline_compute_s;
    } else {
        a.t1_source = MSC_T1_ESTIMATED;
        a.t1_s = m->serial_s + m->compute_sum_s;
        t1_compute = m->compute_sum_s;
    }
    a.speedup = m->wall_s > 0.0 ? a.t1_s / m->wall_s : NAN;
    a.efficiency = a.speedup / m->ranks;
    a.compute_speedup = m->compute_max_s > 0.0 ? t1_compute / m->compute_max_s : NAN;
    a.serial_fraction = a.t1_s > 0.0 ? m->serial_s / a.t1_s : NAN;
    if (a.serial_fraction > 1.0) a.serial_fraction = 1.0;
    if (a.serial_fraction < 0.0) a.serial_fraction = 0.0;
    a.karp_flatt = msc_karp_flatt(a.speedup, m->ranks);
    a.ceiling = msc_amdahl_ceiling(a.serial_fraction);
    *out = a;
}

/* ---- how a schedule balanced the work ------------------------------------------------------- */

/* k-th smallest of v[0..n) (0-based), reordering v: Hoare's selection, O(n) on average. */
static double select_kth(double *v, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        const double pivot = v[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                const double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

static double mean_of(const double *v, int64_t n)
{
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += v[i];
    return n > 0 ? s / (double)n : NAN;
}

/* Median of v[0..n), n >= 1, reordering v. */
static double median_of(double *v, int64_t n)
{
    return select_kth(v, n, n / 2);
}

/* How much slower than the others some rank ran alike segments (>= 1), from the segment owners:
 *  - contiguous shares (block, weighted): a kernel's cost changes smoothly along the range, so a
 *    jump where one rank's share meets the next is the ranks' doing: the ratio of the median of up
 *    to 8 segments after each boundary to the 8 before, the largest either way;
 *  - interleaved deals (cyclic, block-cyclic): every rank samples the whole range, so the ratio of
 *    the slowest rank's median segment time to the fastest's.
 * Medians, so one heavy segment is not taken for a slow rank. NAN when it cannot be told. */
static double rank_skew(msc_schedule_kind kind, int64_t n_seg, const double *seg_s,
                        const int *seg_rank, int n_ranks)
{
    double worst = NAN;
    if (seg_rank == NULL || n_seg < 2 || n_ranks < 2 || msc_schedule_is_dynamic(kind)) return NAN;
    if (kind == MSC_SCHED_BLOCK || kind == MSC_SCHED_WEIGHTED) {
        int64_t run_start = 0;
        for (int64_t s = 1; s < n_seg; s++) {
            if (seg_rank[s] == seg_rank[s - 1]) continue;
            int64_t end = s;
            while (end < n_seg && seg_rank[end] == seg_rank[s]) end++;
            const int64_t len_b = s - run_start, len_a = end - s;
            int64_t kb = len_b / 4, ka = len_a / 4;
            kb = kb < 1 ? 1 : kb > 8 ? 8 : kb;
            ka = ka < 1 ? 1 : ka > 8 ? 8 : ka;
            double before[8], after[8];
            for (int64_t i = 0; i < kb; i++) before[i] = seg_s[s - kb + i];
            for (int64_t i = 0; i < ka; i++) after[i] = seg_s[s + i];
            const double mb = median_of(before, kb), ma = median_of(after, ka);
            if (mb > 0.0 && ma > 0.0) {
                const double j = ma > mb ? ma / mb : mb / ma;
                if (!(worst >= j)) worst = j;
            }
            run_start = s;
        }
        return worst;
    }
    /* interleaved: group segment times by rank (counting sort), then per-rank medians */
    int64_t *start = (int64_t *)calloc((size_t)n_ranks + 1, sizeof *start);
    double *byrank = (double *)malloc((size_t)n_seg * sizeof *byrank);
    if (start == NULL || byrank == NULL) {
        free(start);
        free(byrank);
        return NAN;
    }
    for (int64_t s = 0; s < n_seg; s++) start[seg_rank[s] + 1]++;
    for (int r = 0; r < n_ranks; r++) start[r + 1] += start[r];
    int64_t *fill = (int64_t *)malloc((size_t)n_ranks * sizeof *fill);
    if (fill != NULL) {
        double lo = NAN, hi = NAN;
        for (int r = 0; r < n_ranks; r++) fill[r] = start[r];
        for (int64_t s = 0; s < n_seg; s++) byrank[fill[seg_rank[s]]++] = seg_s[s];
        for (int r = 0; r < n_ranks; r++) {
            if (start[r + 1] == start[r]) continue;
            const double m = median_of(byrank + start[r], start[r + 1] - start[r]);
            if (!(lo <= m)) lo = m;
            if (!(hi >= m)) hi = m;
        }
        if (lo > 0.0) worst = hi / lo;
    }
    free(fill);
    free(start);
    free(byrank);
    return worst;
}

void msc_balance_analyse(msc_schedule_kind kind, int64_t n_seg, const double *seg_s,
                         const int *seg_rank, int n_ranks, const double *compute_s,
                         double imbalance, msc_balance *b)
{
    double max_c = 0.0, sum_c = 0.0;
    for (int r = 0; r < n_ranks; r++) {
        sum_c += compute_s[r];
        if (compute_s[r] > max_c) max_c = compute_s[r];
    }
    b->idle_s = (double)n_ranks * max_c - sum_c;
    b->idle_fraction = max_c > 0.0 ? b->idle_s / ((double)n_ranks * max_c) : 0.0;

    b->cost_trend = NAN;
    if (n_seg >= 10) {
        const int64_t tenth = n_seg / 10;
        const double first = mean_of(seg_s, tenth), last = mean_of(seg_s + n_seg - tenth, tenth);
        if (first > 0.0) b->cost_trend = last / first;
    }
    b->cost_spread = NAN;
    double *copy = n_seg > 0 ? (double *)malloc((size_t)n_seg * sizeof *copy) : NULL;
    if (copy != NULL) {
        double max_s = 0.0;
        for (int64_t i = 0; i < n_seg; i++) {
            copy[i] = seg_s[i];
            if (seg_s[i] > max_s) max_s = seg_s[i];
        }
        const double median = select_kth(copy, n_seg, n_seg / 2);
        if (median > 0.0) b->cost_spread = max_s / median;
        free(copy);
    }

    b->rank_skew = rank_skew(kind, n_seg, seg_s, seg_rank, n_ranks);

    char *a = b->advice;
    const size_t len = sizeof b->advice;
    a[0] = '\0';
    const double trend = b->cost_trend, spread = b->cost_spread;
    const int trending = isfinite(trend) && (trend > 1.5 || trend < 1.0 / 1.5);
    if (msc_schedule_is_dynamic(kind)) {
        if (sum_c > 0.0 && b->claims_s > 0.02 * sum_c)
            snprintf(a, len, "claims took %.1f%% of the compute time (%lld claims, %.1f us each): "
                             "a larger chunk would cut that",
                     100.0 * b->claims_s / sum_c, (long long)b->claims,
                     b->claims > 0 ? 1e6 * b->claims_s / (double)b->claims : 0.0);
        else if (imbalance > MSC_ADVICE_IMBALANCE && b->chunks < 8 * (int64_t)n_ranks)
            snprintf(a, len, "only %lld chunks for %d ranks, so the last ones leave ranks idle: "
                             "raise --segments or use a smaller chunk",
                     (long long)b->chunks, n_ranks);
        else if (imbalance > MSC_ADVICE_IMBALANCE)
            snprintf(a, len, "the last chunks were long enough to leave ranks idle: %s",
                     kind == MSC_SCHED_DYNAMIC ? "try a smaller chunk or --schedule guided"
                                               : "raise --segments so single segments are shorter");
        return;
    }
    if (!(imbalance > MSC_ADVICE_IMBALANCE)) return;
    if (isfinite(b->rank_skew) && b->rank_skew > 1.5)
        snprintf(a, len, kind == MSC_SCHED_WEIGHTED
                             ? "the ranks ran alike segments at different speeds (up to %.1fx) that "
                               "the calibration probe did not capture: --schedule dynamic would likely "
                               "balance it"
                             : "the ranks ran alike segments at different speeds (up to %.1fx; a slower "
                               "or busier node?): --schedule weighted or dynamic would likely balance it",
                 b->rank_skew);
    else if (trending && (kind == MSC_SCHED_BLOCK || kind == MSC_SCHED_WEIGHTED))
        snprintf(a, len, "segment cost %s %.1fx along the range (last tenth vs first), so contiguous "
                         "shares are unequal work: --schedule guided or dynamic would likely balance it",
                 trend > 1.0 ? "grows" : "falls", trend > 1.0 ? trend : 1.0 / trend);
    else if (isfinite(spread) && spread > 4.0)
        snprintf(a, len, "segment costs are irregular (slowest %.1fx the median): --schedule dynamic "
                         "would likely balance it",
                 spread);
    else if (trending)
        snprintf(a, len, "segment cost %s %.1fx along the range and the deal is too coarse for it: "
                         "--schedule dynamic, or a smaller block-cyclic K, would likely balance it",
                 trend > 1.0 ? "grows" : "falls", trend > 1.0 ? trend : 1.0 / trend);
    else
        snprintf(a, len, "neither the segment costs nor the ranks' speeds explain it (a rank delayed "
                         "by something else?): --schedule dynamic would likely balance it");
}
