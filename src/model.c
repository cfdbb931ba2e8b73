/* model.c — Amdahl's Law, Karp–Flatt, and the derivation of speedup, efficiency and the serial
 * fraction from one run's measured times. No I/O, no MPI: a pure function of measurements. */
#include "mpiscale/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- fitted models -------------------------------------------------------------------------- */

double msc_t95(int dof)
{
    static const double t[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    /* beyond 30: linear in 1/dof between the tabulated 30, 40, 60, 120 and infinity */
    static const double knot_dof[5] = {30, 40, 60, 120, INFINITY};
    static const double knot_t[5] = {2.042, 2.021, 2.000, 1.980, 1.960};
    if (dof < 1) return NAN;
    if (dof <= 30) return t[dof - 1];
    for (int i = 0; i < 4; i++)
        if (dof <= knot_dof[i + 1]) {
            const double a = 1.0 / knot_dof[i], b = 1.0 / knot_dof[i + 1], x = 1.0 / dof;
            return knot_t[i] + (knot_t[i + 1] - knot_t[i]) * (a - x) / (a - b);
        }
    return 1.960;
}

/* Checks the common inputs of the fits; fills fit->n, n_distinct, and returns 0 with fit->why set
 * when they cannot be fitted: unusable values, too few distinct p (`need_distinct` counts p = 1
 * too), nothing above one rank, or every point more than 2% superlinear (beyond noise). */
static int fit_inputs(const double *p, const double *s, int n, int need_distinct, msc_fit *fit)
{
    memset(fit, 0, sizeof *fit);
    int informative = 0, superlinear = 0;
    for (int i = 0; i < n; i++) {
        if (!(isfinite(p[i]) && p[i] >= 1.0 && isfinite(s[i]) && s[i] > 0.0)) {
            snprintf(fit->why, sizeof fit->why,
                     "measurement %d is not usable (p = %g, speedup = %g): p must be >= 1 and the "
                     "speedup a positive number", i + 1, p[i], s[i]);
            return 0;
        }
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = p[j] == p[i];
        fit->n_distinct += !seen;
        informative += p[i] > 1.0;
        superlinear += p[i] > 1.0 && s[i] > 1.02 * p[i];
    }
    fit->n = n;
    if (fit->n_distinct < need_distinct) {
        snprintf(fit->why, sizeof fit->why, "%d distinct rank count%s: at least %d are needed",
                 fit->n_distinct, fit->n_distinct == 1 ? "" : "s", need_distinct);
        return 0;
    }
    if (informative == 0) {
        snprintf(fit->why, sizeof fit->why, "no measurement on more than one rank");
        return 0;
    }
    if (superlinear == informative) {
        snprintf(fit->why, sizeof fit->why,
                 "every speedup is superlinear (S > 1.02 p), which no serial fraction or "
                 "contention describes (cache effects, or a T1 measured slow)");
        return 0;
    }
    return 1;
}

/* Least squares of y = b x through the origin over the n points with x != 0: b, its standard
 * error (NAN with one point) and the RMS residual. Returns the degrees of freedom. */
static int fit_origin(const double *x, const double *y, int n, double *b, double *se, double *rmse)
{
    double sxx = 0.0, sxy = 0.0, rss = 0.0;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (x[i] != 0.0) {
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
            m++;
        }
    *b = sxy / sxx;
    for (int i = 0; i < n; i++)
        if (x[i] != 0.0) rss += (y[i] - *b * x[i]) * (y[i] - *b * x[i]);
    *rmse = sqrt(rss / m);
    *se = m > 1 ? sqrt(rss / (m - 1) / sxx) : NAN;
    return m - 1;
}

/* One-parameter fit in [0, 1]: refuses a value significantly below 0 (superlinear) or above 1
 * (more ranks made the job slower), shows one within noise of 0 or 1 as that bound with a note,
 * and notes a relative error above 50%. */
static void bound_fraction(msc_fit *fit, const char *name, double *v, double se, int dof,
                           double *lo, double *hi)
{
    const double half = isfinite(se) ? msc_t95(dof) * se : NAN;
    if (*v < 0.0 && (!isfinite(half) || *v + half < 0.0)) {
        snprintf(fit->why, sizeof fit->why,
                 "fitted %s = %.4g is below 0: the speedups are superlinear, which no serial "
                 "fraction describes (cache effects, or a T1 measured slow)", name, *v);
        fit->ok = 0;
        return;
    }
    if (*v > 1.0 && (!isfinite(half) || *v - half > 1.0)) {
        snprintf(fit->why, sizeof fit->why,
                 "fitted %s = %.4g is above 1: the job got slower with more ranks (retrograde "
                 "scaling), which no serial fraction describes; see the USL fit", name, *v);
        fit->ok = 0;
        return;
    }
    if (*v < 0.0) {
        snprintf(fit->note, sizeof fit->note, "fitted %s = %.3g is within noise of 0; shown as 0",
                 name, *v);
        *v = 0.0;
    } else if (*v > 1.0) {
        snprintf(fit->note, sizeof fit->note,
                 "fitted %s = %.3g is within noise of 1 (no parallel gain); shown as 1", name, *v);
        *v = 1.0;
    } else if (isfinite(se) && *v > 0.0 && se > 0.5 * *v) {
        snprintf(fit->note, sizeof fit->note,
                 "too noisy to trust: the standard error of %s is %.0f%% of its value; add repeats",
                 name, 100.0 * se / *v);
    }
    *lo = isfinite(half) ? fmax(0.0, *v - half) : NAN;
    *hi = isfinite(half) ? fmin(1.0, *v + half) : NAN;
    fit->ok = 1;
}

/* The one-parameter fits: Amdahl (1/S - 1/p = f (1 - 1/p)) or, with `scaled`, Gustafson
 * (p - S = a (p - 1)). Sets *v, *se, *lo, *hi, or NAN with fit->why on refusal. */
static void fit_fraction(const double *p, const double *s, int n, int scaled, const char *name,
                         msc_fit *fit, double *v, double *se, double *lo, double *hi)
{
    *v = *se = *lo = *hi = NAN;
    if (n < 1) {
        memset(fit, 0, sizeof *fit);
        snprintf(fit->why, sizeof fit->why, "no measurements");
        return;
    }
    if (!fit_inputs(p, s, n, 2, fit)) return;
    double *x = (double *)malloc(2 * (size_t)n * sizeof *x), *y = x + n;
    if (x == NULL) {
        snprintf(fit->why, sizeof fit->why, "out of memory");
        return;
    }
    for (int i = 0; i < n; i++) {
        x[i] = scaled ? p[i] - 1.0 : 1.0 - 1.0 / p[i];
        y[i] = scaled ? p[i] - s[i] : 1.0 / s[i] - 1.0 / p[i];
    }
    const int dof = fit_origin(x, y, n, v, se, &fit->rmse);
    free(x);
    bound_fraction(fit, name, v, *se, dof, lo, hi);
    if (!fit->ok) *v = *se = NAN;
}

void msc_fit_amdahl(const double *p, const double *s, int n, msc_amdahl_fit *out)
{
    memset(out, 0, sizeof *out);
    fit_fraction(p, s, n, 0, "f", &out->fit, &out->f, &out->f_se, &out->f_lo, &out->f_hi);
    out->ceiling = out->fit.ok ? msc_amdahl_ceiling(out->f) : NAN;
}

void msc_fit_gustafson(const double *p, const double *scaled_s, int n, msc_gustafson_fit *out)
{
    memset(out, 0, sizeof *out);
    fit_fraction(p, scaled_s, n, 1, "alpha", &out->fit, &out->alpha, &out->alpha_se,
                 &out->alpha_lo, &out->alpha_hi);
}

void msc_fit_usl(const double *p, const double *s, int n, msc_usl_fit *out)
{
    memset(out, 0, sizeof *out);
    out->sigma = out->sigma_se = out->kappa = out->kappa_se = NAN;
    out->sigma_lo = out->sigma_hi = out->kappa_lo = out->kappa_hi = out->p_peak = NAN;
    if (n < 1 || !fit_inputs(p, s, n, 3, &out->fit)) {
        if (n < 1) snprintf(out->fit.why, sizeof out->fit.why, "no measurements");
        return;
    }
    /* normal equations of y = sigma x1 + kappa x2 over the points with p > 1 */
    double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, rss = 0;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] <= 1.0) continue;
        const double x1 = p[i] - 1.0, x2 = p[i] * (p[i] - 1.0), y = p[i] / s[i] - 1.0;
        a11 += x1 * x1;
        a12 += x1 * x2;
        a22 += x2 * x2;
        b1 += x1 * y;
        b2 += x2 * y;
        m++;
    }
    const double det = a11 * a22 - a12 * a12;
    if (!(fabs(det) > 1e-12 * a11 * a22)) {
        snprintf(out->fit.why, sizeof out->fit.why,
                 "the rank counts above 1 do not separate contention from coherency: "
                 "at least 2 distinct ones are needed");
        return;
    }
    out->sigma = (a22 * b1 - a12 * b2) / det;
    out->kappa = (a11 * b2 - a12 * b1) / det;
    for (int i = 0; i < n; i++) {
        if (p[i] <= 1.0) continue;
        const double r = p[i] / s[i] - 1.0 - out->sigma * (p[i] - 1.0) - out->kappa * p[i] * (p[i] - 1.0);
        rss += r * r;
    }
    out->fit.rmse = sqrt(rss / m);
    const int dof = m - 2;
    if (dof >= 1) {
        const double s2 = rss / dof, t = msc_t95(dof);
        out->sigma_se = sqrt(s2 * a22 / det);
        out->kappa_se = sqrt(s2 * a11 / det);
        out->sigma_lo = out->sigma - t * out->sigma_se;
        out->sigma_hi = out->sigma + t * out->sigma_se;
        out->kappa_lo = out->kappa - t * out->kappa_se;
        out->kappa_hi = out->kappa + t * out->kappa_se;
        out->kappa_significant = out->kappa_lo > 0.0;
    } else {
        snprintf(out->fit.note, sizeof out->fit.note,
                 "exactly determined (as many measurements above 1 rank as parameters): no interval");
    }
    out->p_peak = out->kappa > 0.0 && out->sigma < 1.0 ? sqrt((1.0 - out->sigma) / out->kappa) : INFINITY;
    out->fit.ok = 1;
}

double msc_ranks_for_speedup(double f, double target)
{
    if (!(target >= 1.0) || !(f >= 0.0 && f <= 1.0)) return NAN;
    if (target == 1.0) return 1.0;
    if (f > 0.0 && target >= 1.0 / f) return INFINITY; /* f = 1 (an interval's end): never */
    const double p = (1.0 - f) / (1.0 / target - f);
    return ceil(p - 1e-9); /* a whole rank count, not one more because of rounding */
}

double msc_ranks_for_efficiency(double f, double floor_e)
{
    if (!(floor_e > 0.0 && floor_e <= 1.0) || !(f >= 0.0 && f <= 1.0)) return NAN;
    if (f == 0.0) return INFINITY;
    const double p = (1.0 / floor_e - 1.0 + f) / f;
    return floor(p + 1e-9);
}

/* ---- repeated measurements ------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of sorted v[0..n). */
static double sorted_median(const double *v, int n)
{
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

msc_status msc_sample_stats(const double *x, int n, msc_sample *out, int *flags)
{
    memset(out, 0, sizeof *out);
    if (n < 1 || x == NULL) return MSC_ERR_USAGE;
    double *v = (double *)malloc((size_t)n * sizeof *v);
    if (v == NULL) return MSC_ERR_NOMEM;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        v[i] = x[i];
        sum += x[i];
    }
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    out->n = n;
    out->min = v[0];
    out->max = v[n - 1];
    out->mean = sum / n;
    out->median = sorted_median(v, n);

    /* Order-statistic interval: X(j) <= median <= X(n+1-j) holds with probability
     * 1 - 2 P(B <= j - 1), B ~ Binomial(n, 1/2); take the largest j that keeps it >= 95%. */
    out->ci_lo = out->ci_hi = out->ci_level = NAN;
    double tail = 0.0, term = 1.0; /* term = C(n, k) / 2^n, built up without overflow */
    for (int k = 0; k < n; k++) term *= 0.5;
    int j = 0;
    for (int k = 0; 2 * k < n; k++) {
        if (tail + term > 0.025) break;
        tail += term;
        j = k + 1;
        term = term * (n - k) / (k + 1);
    }
    if (j >= 1) { /* tail is now P(B <= j - 1) */
        out->ci_lo = v[j - 1];
        out->ci_hi = v[n - j];
        out->ci_level = 1.0 - 2.0 * tail;
    }

    for (int i = 0; i < n; i++) v[i] = fabs(x[i] - out->median);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    out->mad = sorted_median(v, n);
    const double limit = 3.0 * 1.4826 * out->mad;
    for (int i = 0; i < n; i++) {
        const int bad = out->mad > 0.0 && fabs(x[i] - out->median) > limit;
        out->outliers += bad;
        if (flags != NULL) flags[i] = bad;
    }
    free(v);
    return MSC_OK;
}

int msc_sample_precise(const msc_sample *s, double precision)
{
    if (!isfinite(s->ci_lo) || !isfinite(s->ci_hi) || !(s->median > 0.0)) return 0;
    return s->median - s->ci_lo <= precision * s->median && s->ci_hi - s->median <= precision * s->median;
}

double msc_sample_halfwidth(const msc_sample *s)
{
    if (!isfinite(s->ci_lo) || !isfinite(s->ci_hi) || !(s->median > 0.0)) return NAN;
    const double below = s->median - s->ci_lo, above = s->ci_hi - s->median;
    return (below > above ? below : above) / s->median;
}
