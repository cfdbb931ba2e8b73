/* schedule.h — which ranks compute which segments. A plan cuts the segments into chunks (runs of
 * consecutive segments) and says who computes each: static schedules fix the owner in advance,
 * dynamic ones leave it to the ranks that claim chunks at run time. Plans are pure functions of
 * the segment count, the rank count and (for `weighted`) measured rank speeds; no MPI here.
 * Whatever the schedule, segment boundaries never change, so results combine in segment order and
 * the digest is the same under every schedule and rank count. */
#ifndef MSC_SCHEDULE_H
#define MSC_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum msc_schedule_kind {
    MSC_SCHED_BLOCK = 0,    /* rank r gets one contiguous run; remainder to the low ranks */
    MSC_SCHED_CYCLIC,       /* segment s goes to rank s mod P */
    MSC_SCHED_BLOCK_CYCLIC, /* chunks of K segments dealt round-robin: chunk c to rank c mod P */
    MSC_SCHED_DYNAMIC,      /* chunks of K segments claimed from a shared counter until none left */
    MSC_SCHED_GUIDED,       /* claimed like dynamic, chunk = max(min, ceil(remaining / 2P)) */
    MSC_SCHED_WEIGHTED,     /* one contiguous run per rank, sized to each rank's measured speed */
    MSC_SCHED_COUNT
} msc_schedule_kind;

/* A --schedule value: the kind and its chunk parameter (K for block-cyclic and dynamic, the
 * minimum chunk for guided), 0 when not given: msc_plan_init then applies the default rule. */
typedef struct msc_schedule {
    msc_schedule_kind kind;
    int64_t chunk; /* segments; 0 = default */
} msc_schedule;

/* One chunk of a plan, or one rank's share: segments [first, first + count). */
typedef struct msc_assignment {
    int64_t first; /* first segment index */
    int64_t count; /* number of segments (may be 0) */
} msc_assignment;

/* Parses "block", "cyclic", "block-cyclic[:K]", "dynamic[:K]", "guided[:MIN]" or "weighted".
 * K and MIN are integers from 1 to 2^24. MSC_ERR_USAGE with the reason in err otherwise. */
msc_status msc_schedule_parse(const char *text, msc_schedule *out, char *err, size_t len);

/* Name of a kind ("block-cyclic"); "?" for an out-of-range value. */
const char *msc_schedule_name(msc_schedule_kind kind);

/* Writes s as it would be typed ("dynamic:8", "block") into buf[len]. */
void msc_schedule_format(const msc_schedule *s, char *buf, size_t len);

/* 1 for the schedules whose chunks are claimed at run time (dynamic, guided), 0 otherwise. */
int msc_schedule_is_dynamic(msc_schedule_kind kind);

/* The chunk a schedule uses when none is given, for n_seg segments on n_ranks ranks:
 *   block-cyclic  max(1, n_seg / (16 P))   16 deals per rank
 *   dynamic       max(1, n_seg / (64 P))   64 claims per rank: the last chunk is ~1/64 of a rank's
 *                                          work, so it can leave at most ~1.6% imbalance
 *   guided        1                        chunks shrink down to single segments
 * and 0 for the kinds without a chunk parameter. */
int64_t msc_schedule_default_chunk(msc_schedule_kind kind, int64_t n_seg, int n_ranks);

typedef struct msc_plan {
    msc_schedule sched; /* chunk resolved (never 0 for kinds that take one) */
    int64_t n_seg;      /* segments */
    int n_ranks;        /* P */
    int64_t n_chunks;   /* chunks in the plan */
    int64_t *starts;    /* guided and weighted: n_chunks + 1 segment offsets (owned); else NULL */
} msc_plan;

/* Builds the plan for n_seg >= 0 segments on n_ranks >= 1 ranks. speeds[0..n_ranks) (elements
 * per second, any positive scale) size the weighted split and are ignored by other kinds; NULL or
 * a non-positive or non-finite speed means equal speeds. MSC_ERR_USAGE for bad counts,
 * MSC_ERR_NOMEM. Free with msc_plan_free. */
msc_status msc_plan_init(msc_plan *plan, const msc_schedule *s, int64_t n_seg, int n_ranks,
                         const double *speeds, char *err, size_t len);

/* Releases what *plan owns and zeroes it. Safe on a zeroed plan. */
void msc_plan_free(msc_plan *plan);

/* Chunk c (0 <= c < n_chunks) of the plan. Chunks tile [0, n_seg) in order. */
msc_assignment msc_plan_chunk(const msc_plan *plan, int64_t c);

/* Static kinds: the rank that computes chunk c, which is always c mod P. -1 for dynamic kinds. */
int msc_plan_owner(const msc_plan *plan, int64_t c);

/* Static kinds: the number of segments rank r computes. -1 for dynamic kinds. */
int64_t msc_plan_rank_segments(const msc_plan *plan, int rank);

#ifdef __cplusplus
}
#endif
#endif /* MSC_SCHEDULE_H */
