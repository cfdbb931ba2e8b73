/* timing.c — phase names, the monotonic clock, and per-phase min/mean/max across ranks. */
#include "mpiscale/timing.h"

#include <time.h>

static const char *const phase_names[MSC_PHASE_COUNT] = {
    "init", "setup", "baseline", "serial", "calibrate", "scatter", "compute", "gather", "combine", "verify",
};

const char *msc_phase_name(msc_phase ph)
{
    return (int)ph >= 0 && ph < MSC_PHASE_COUNT ? phase_names[ph] : "?";
}

double msc_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void msc_phase_reduce(const double *t, int n_ranks, msc_phase_stats out[MSC_PHASE_COUNT])
{
    for (int ph = 0; ph < MSC_PHASE_COUNT; ph++) {
        msc_phase_stats s = {0.0, 0.0, 0.0, 0};
        for (int r = 0; r < n_ranks; r++) {
            const double v = t[(size_t)r * MSC_PHASE_COUNT + (size_t)ph];
            if (r == 0 || v < s.min_s) s.min_s = v;
            if (r == 0 || v > s.max_s) {
                s.max_s = v;
                s.max_rank = r;
            }
            s.mean_s += v;
        }
        if (n_ranks > 0) s.mean_s /= n_ranks;
        out[ph] = s;
    }
}

double msc_imbalance(const double *compute_s, int n_ranks)
{
    double sum = 0.0, max = 0.0;
    for (int r = 0; r < n_ranks; r++) {
        sum += compute_s[r];
        if (compute_s[r] > max) max = compute_s[r];
    }
    if (n_ranks < 1 || sum <= 0.0) return 0.0;
    return max / (sum / n_ranks) - 1.0;
}
