/* schedule.c — plans: segments cut into chunks, and for static schedules who computes each chunk.
 * Pure arithmetic on counts (and, for `weighted`, on measured speeds); the driver claims dynamic
 * chunks with an MPI atomic counter and computes static ones where the plan says. */
#include "mpiscale/schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpiscale/range.h"

#define MAX_CHUNK ((int64_t)1 << 24)

static const char *const names[MSC_SCHED_COUNT] = {"block",   "cyclic", "block-cyclic",
                                                   "dynamic", "guided", "weighted"};

/* 1 when the kind takes a :K parameter. */
static int takes_chunk(msc_schedule_kind kind)
{
    return kind == MSC_SCHED_BLOCK_CYCLIC || kind == MSC_SCHED_DYNAMIC || kind == MSC_SCHED_GUIDED;
}

msc_status msc_schedule_parse(const char *text, msc_schedule *out, char *err, size_t len)
{
    if (text == NULL) text = "";
    const char *colon = strchr(text, ':');
    const size_t name_len = colon != NULL ? (size_t)(colon - text) : strlen(text);
    for (int k = 0; k < MSC_SCHED_COUNT; k++) {
        if (strlen(names[k]) != name_len || strncmp(text, names[k], name_len) != 0) continue;
        msc_schedule s = {(msc_schedule_kind)k, 0};
        if (colon != NULL) {
            char why[128];
            if (!takes_chunk(s.kind))
                return msc_fail(MSC_ERR_USAGE, err, len, "%s takes no ':' parameter", names[k]);
            if (msc_parse_i64(colon + 1, &s.chunk, why, sizeof why) != MSC_OK)
                return msc_fail(MSC_ERR_USAGE, err, len, "chunk: %s", why);
            if (s.chunk < 1 || s.chunk > MAX_CHUNK)
                return msc_fail(MSC_ERR_USAGE, err, len, "chunk must be between 1 and %lld segments",
                                (long long)MAX_CHUNK);
        }
        *out = s;
        return MSC_OK;
    }
    return msc_fail(MSC_ERR_USAGE, err, len,
                    "unknown schedule (accepted: block, cyclic, block-cyclic[:K], dynamic[:K], "
                    "guided[:MIN], weighted)");
}

const char *msc_schedule_name(msc_schedule_kind kind)
{
    return (unsigned)kind < MSC_SCHED_COUNT ? names[kind] : "?";
}

void msc_schedule_format(const msc_schedule *s, char *buf, size_t len)
{
    if (takes_chunk(s->kind) && s->chunk > 0)
        snprintf(buf, len, "%s:%lld", msc_schedule_name(s->kind), (long long)s->chunk);
    else
        snprintf(buf, len, "%s", msc_schedule_name(s->kind));
}

int msc_schedule_is_dynamic(msc_schedule_kind kind)
{
    return kind == MSC_SCHED_DYNAMIC || kind == MSC_SCHED_GUIDED;
}

int64_t msc_schedule_default_chunk(msc_schedule_kind kind, int64_t n_seg, int n_ranks)
{
    const int64_t p = n_ranks > 0 ? n_ranks : 1;
    int64_t k;
    switch (kind) {
    case MSC_SCHED_BLOCK_CYCLIC: k = n_seg / (16 * p); break;
    case MSC_SCHED_DYNAMIC: k = n_seg / (64 * p); break;
    case MSC_SCHED_GUIDED: k = 1; break;
    default: return 0;
    }
    return k < 1 ? 1 : k;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return a / b + (a % b != 0);
}

/* Guided: each chunk takes max(min, ceil(remaining / 2P)) of what is left. Halving the classic
 * remaining / P rule keeps the first chunks from being so large that a rank holding one when the
 * rest run out leaves the others idle. */
static msc_status plan_guided(msc_plan *plan)
{
    const int64_t two_p = 2 * (int64_t)plan->n_ranks, min = plan->sched.chunk;
    int64_t n = 0, left = plan->n_seg;
    while (left > 0) {
        int64_t c = ceil_div(left, two_p);
        if (c < min) c = min;
        if (c > left) c = left;
        left -= c;
        n++;
    }
    plan->starts = (int64_t *)malloc((size_t)(n + 1) * sizeof *plan->starts);
    if (plan->starts == NULL) return MSC_ERR_NOMEM;
    plan->n_chunks = n;
    left = plan->n_seg;
    plan->starts[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t c = ceil_div(left, two_p);
        if (c < min) c = min;
        if (c > left) c = left;
        plan->starts[i + 1] = plan->starts[i] + c;
        left -= c;
    }
    return MSC_OK;
}

/* Weighted: rank r gets a share of the segments proportional to speeds[r], rounded by largest
 * remainder (ties to the lower rank) so that the shares add up to n_seg exactly. Speeds are scaled
 * by the fastest first (no overflow whatever their size) and shares are computed in long double,
 * whose 64-bit mantissa holds any segment count exactly; each share is clamped to [0, n_seg]. */
static msc_status plan_weighted(msc_plan *plan, const double *speeds)
{
    const int p = plan->n_ranks;
    const int64_t n = plan->n_seg;
    double top = 0.0;
    int equal = speeds == NULL;
    for (int r = 0; r < p && !equal; r++) {
        if (!(speeds[r] > 0.0) || !isfinite(speeds[r])) equal = 1;
        else if (speeds[r] > top) top = speeds[r];
    }
    long double total = 0.0L;
    for (int r = 0; r < p && !equal; r++) total += (long double)(speeds[r] / top);
    int64_t *share = (int64_t *)calloc((size_t)p, sizeof *share);
    long double *frac = (long double *)calloc((size_t)p, sizeof *frac);
    plan->starts = (int64_t *)malloc((size_t)(p + 1) * sizeof *plan->starts);
    if (share == NULL || frac == NULL || plan->starts == NULL) {
        free(share);
        free(frac);
        return MSC_ERR_NOMEM;
    }
    int64_t given = 0; /* never above n_seg: each share is clamped to what is left */
    for (int r = 0; r < p; r++) {
        const long double w = equal ? 1.0L / p : (long double)(speeds[r] / top) / total;
        long double ideal = (long double)n * w;
        if (ideal < 0.0L) ideal = 0.0L;
        const long double whole = floorl(ideal);
        share[r] = whole >= (long double)(n - given) ? n - given : (int64_t)whole;
        frac[r] = ideal - (long double)share[r];
        given += share[r];
    }
    /* The floors leave about P segments over at most; one each to the largest remainders (each
     * round adds one, so the loop ends whatever rounding did). */
    while (given < n) {
        int best = 0;
        for (int r = 1; r < p; r++)
            if (frac[r] > frac[best]) best = r;
        share[best]++;
        frac[best] = -1.0L;
        given++;
    }
    plan->n_chunks = p;
    plan->starts[0] = 0;
    for (int r = 0; r < p; r++) plan->starts[r + 1] = plan->starts[r] + share[r];
    free(share);
    free(frac);
    return MSC_OK;
}

msc_status msc_plan_init(msc_plan *plan, const msc_schedule *s, int64_t n_seg, int n_ranks,
                         const double *speeds, char *err, size_t len)
{
    memset(plan, 0, sizeof *plan);
    if (s == NULL || (unsigned)s->kind >= MSC_SCHED_COUNT)
        return msc_fail(MSC_ERR_USAGE, err, len, "unknown schedule");
    if (n_seg < 0 || n_ranks < 1)
        return msc_fail(MSC_ERR_USAGE, err, len, "bad plan: %lld segments on %d ranks",
                        (long long)n_seg, n_ranks);
    plan->sched = *s;
    plan->n_seg = n_seg;
    plan->n_ranks = n_ranks;
    if (takes_chunk(s->kind) && s->chunk <= 0)
        plan->sched.chunk = msc_schedule_default_chunk(s->kind, n_seg, n_ranks);
    if (!takes_chunk(s->kind)) plan->sched.chunk = 0;

    msc_status st = MSC_OK;
    switch (s->kind) {
    case MSC_SCHED_BLOCK: plan->n_chunks = n_ranks; break;
    case MSC_SCHED_CYCLIC: plan->n_chunks = n_seg; break;
    case MSC_SCHED_BLOCK_CYCLIC:
    case MSC_SCHED_DYNAMIC: plan->n_chunks = ceil_div(n_seg, plan->sched.chunk); break;
    case MSC_SCHED_GUIDED: st = plan_guided(plan); break;
    case MSC_SCHED_WEIGHTED: st = plan_weighted(plan, speeds); break;
    default: break;
    }
    if (st != MSC_OK) {
        msc_plan_free(plan);
        return msc_fail(st, err, len, "out of memory planning %lld segments", (long long)n_seg);
    }
    return MSC_OK;
}

void msc_plan_free(msc_plan *plan)
{
    free(plan->starts);
    memset(plan, 0, sizeof *plan);
}

msc_assignment msc_plan_chunk(const msc_plan *plan, int64_t c)
{
    msc_assignment a = {0, 0};
    if (c < 0 || c >= plan->n_chunks) return a;
    if (plan->starts != NULL) {
        a.first = plan->starts[c];
        a.count = plan->starts[c + 1] - a.first;
    } else if (plan->sched.kind == MSC_SCHED_BLOCK) {
        const int64_t base = plan->n_seg / plan->n_ranks, rem = plan->n_seg % plan->n_ranks;
        a.first = c * base + (c < rem ? c : rem);
        a.count = base + (c < rem ? 1 : 0);
    } else if (plan->sched.kind == MSC_SCHED_CYCLIC) {
        a.first = c;
        a.count = 1;
    } else {
        const int64_t k = plan->sched.chunk;
        a.first = c * k;
        a.count = plan->n_seg - a.first < k ? plan->n_seg - a.first : k;
    }
    return a;
}

int msc_plan_owner(const msc_plan *plan, int64_t c)
{
    if (msc_schedule_is_dynamic(plan->sched.kind) || c < 0 || c >= plan->n_chunks) return -1;
    return (int)(c % plan->n_ranks);
}

int64_t msc_plan_rank_segments(const msc_plan *plan, int rank)
{
    if (msc_schedule_is_dynamic(plan->sched.kind) || rank < 0 || rank >= plan->n_ranks) return -1;
    const int64_t p = plan->n_ranks;
    switch (plan->sched.kind) {
    case MSC_SCHED_BLOCK:
    case MSC_SCHED_WEIGHTED: return msc_plan_chunk(plan, rank).count;
    case MSC_SCHED_CYCLIC: return plan->n_seg / p + (rank < plan->n_seg % p ? 1 : 0);
    default: break;
    }
    /* block-cyclic: full chunks dealt round-robin, then the short last chunk (if any) */
    const int64_t k = plan->sched.chunk, full = plan->n_seg / k, tail = plan->n_seg % k;
    int64_t n = (full / p + (rank < full % p ? 1 : 0)) * k;
    if (tail > 0 && full % p == rank) n += tail;
    return n;
}
