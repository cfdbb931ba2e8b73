/* schedule.h — which ranks compute which segments. A plan is a pure function of the segment count
 * and the rank count; it never touches MPI. Only the static `block` schedule exists so far. */
#ifndef MSC_SCHEDULE_H
#define MSC_SCHEDULE_H

#include <stdint.h>

#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum msc_schedule_kind {
    MSC_SCHED_BLOCK = 0 /* rank r gets one contiguous run of segments; remainder to the low ranks */
} msc_schedule_kind;

/* One rank's share of a static plan: segments [first, first + count). */
typedef struct msc_assignment {
    int64_t first; /* first segment index */
    int64_t count; /* number of segments (may be 0: a rank with no work) */
} msc_assignment;

/* Parses a --schedule value ("block"). MSC_ERR_USAGE, with the accepted names in err, otherwise. */
msc_status msc_schedule_parse(const char *text, msc_schedule_kind *out, char *err, size_t len);

/* Name of a schedule kind ("block"). */
const char *msc_schedule_name(msc_schedule_kind kind);

/* Fills out[0..n_ranks) with each rank's segments under `kind`. n_seg >= 0, n_ranks >= 1.
 * Returns MSC_ERR_USAGE for bad counts. */
msc_status msc_schedule_plan(msc_schedule_kind kind, int64_t n_seg, int n_ranks,
                             msc_assignment *out, char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_SCHEDULE_H */
