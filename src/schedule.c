/* schedule.c — static plans: which segments each rank computes. Pure arithmetic on counts; the
 * driver scatters the result. */
#include "mpiscale/schedule.h"

#include <string.h>

msc_status msc_schedule_parse(const char *text, msc_schedule_kind *out, char *err, size_t len)
{
    if (text != NULL && strcmp(text, "block") == 0) {
        *out = MSC_SCHED_BLOCK;
        return MSC_OK;
    }
    return msc_fail(MSC_ERR_USAGE, err, len, "unknown schedule (accepted: block)");
}

const char *msc_schedule_name(msc_schedule_kind kind)
{
    return kind == MSC_SCHED_BLOCK ? "block" : "?";
}

msc_status msc_schedule_plan(msc_schedule_kind kind, int64_t n_seg, int n_ranks,
                             msc_assignment *out, char *err, size_t len)
{
    if (kind != MSC_SCHED_BLOCK) return msc_fail(MSC_ERR_USAGE, err, len, "unknown schedule");
    if (n_seg < 0 || n_ranks < 1 || out == NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "bad plan: %lld segments on %d ranks",
                        (long long)n_seg, n_ranks);
    const int64_t base = n_seg / n_ranks, rem = n_seg % n_ranks;
    for (int r = 0; r < n_ranks; r++) {
        out[r].first = r * base + (r < rem ? r : rem);
        out[r].count = base + (r < rem ? 1 : 0);
    }
    return MSC_OK;
}
