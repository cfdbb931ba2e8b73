/* range.h — integer parsing, half-open ranges and their cutting into segments.
 *
 * Every range in mpiscale is half-open: [lo, hi) holds lo, lo+1, ..., hi-1. Counts are 64-bit and
 * every subtraction or multiplication that could overflow is checked, never wrapped. Segment
 * boundaries depend only on the range and the segment count, never on the number of ranks. */
#ifndef MSC_RANGE_H
#define MSC_RANGE_H

#include <stdint.h>

#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msc_range {
    int64_t lo; /* first element */
    int64_t hi; /* one past the last element */
} msc_range;

/* Largest segment count accepted; keeps the gathered per-segment arrays within an int count. */
#define MSC_MAX_SEGMENTS ((int64_t)1 << 24)

/* Parses a signed 64-bit integer written as digits with optional '_' separators ("30_000_000"),
 * an exact scientific form ("3e7", "2.5e3") or a decimal suffix K, M, G, T, P (powers of 1000:
 * "30M"). Rejects empty text, trailing junk, fractions that are not whole and values outside
 * int64. Returns MSC_OK and *out, or MSC_ERR_USAGE with the reason in err. */
msc_status msc_parse_i64(const char *text, int64_t *out, char *err, size_t len);

/* Parses "START:END" or "END" (meaning 0:END) into *out. END must be greater than START and
 * END-START must fit in int64. Errors: MSC_ERR_USAGE / MSC_ERR_RANGE, reason in err. */
msc_status msc_range_parse(const char *text, msc_range *out, char *err, size_t len);

/* Number of elements hi - lo; 0 for an empty or inverted range. Requires the difference to fit
 * in int64 (msc_range_parse guarantees it); returns -1 if it does not. */
int64_t msc_range_count(msc_range r);

/* Returns the segment count actually used: requested clipped to the element count (at least 1). */
int64_t msc_segments_clip(int64_t n_items, int64_t requested);

/* Segment k of r cut into n_seg segments: sizes differ by at most one, the remainder going to the
 * first segments. Requires 0 <= k < n_seg <= count(r). */
msc_range msc_segment(msc_range r, int64_t n_seg, int64_t k);

#ifdef __cplusplus
}
#endif
#endif /* MSC_RANGE_H */
