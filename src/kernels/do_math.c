/* do_math.c — the seeds' loop: for each i, x = (i + 1) - 1,000,000 and the term sqrt(x*x),
 * computed in double precision. In binary floating point sqrt(fl(x*x)) == |x| exactly whenever x
 * itself is exact (|x| <= 2^53), so the terms are summed as integers: the result is the exact
 * sum of |x|, independent of the order of additions, and checks against its closed form. */
#include <math.h>
#include <stdio.h>

#include "kernels.h"
#include "../u128.h"

#define OFFSET 1000000
#define EXACT_LIMIT ((int64_t)1 << 53) /* largest |x| a double holds exactly */
/* Terms are at most 2^53, so 1024 of them fit a uint64 before it is flushed into 128 bits. */
#define FLUSH_EVERY 1024

msc_status msc_do_math_check(msc_range r, const msc_params *p, char *err, size_t len)
{
    (void)p;
    /* x of the first element is lo + 1 - OFFSET, of the last hi - OFFSET. */
    const int64_t lo_min = -EXACT_LIMIT + OFFSET - 1, hi_max = EXACT_LIMIT + OFFSET;
    if (r.lo < lo_min || r.hi > hi_max)
        return msc_fail(MSC_ERR_RANGE, err, len,
                        "the range must lie within [%lld, %lld] so that every x = i+1-1000000 is "
                        "exact in double precision (|x| <= 2^53)",
                        (long long)lo_min, (long long)hi_max);
    return MSC_OK;
}

void msc_do_math_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p,
                     msc_partial *out)
{
    (void)whole;
    (void)p;
    msc_u128 acc = 0;
    for (int64_t i = lo; i < hi;) {
        const int64_t stop = hi - i > FLUSH_EVERY ? i + FLUSH_EVERY : hi;
        uint64_t block = 0;
        for (; i < stop; i++) {
            const double x = (double)(i + 1 - OFFSET);
            block += (uint64_t)(int64_t)sqrt(x * x);
        }
        acc += block;
    }
    msc_partial_set_exact(out, acc);
    out->real = 0.0;
    out->n_items = hi - lo;
}

/* Sum of k for k in [0, n]; n >= -1. */
static msc_u128 tri(int64_t n)
{
    if (n <= 0) return 0;
    const msc_u128 a = (msc_u128)(uint64_t)n, b = a + 1;
    return (a % 2 == 0) ? (a / 2) * b : a * (b / 2);
}

/* Closed form of the sum of |x| for x in [a, b), a < b. */
static msc_u128 sum_abs(int64_t a, int64_t b)
{
    msc_u128 s = 0;
    if (a < 0) { /* |x| for x in [a, min(b, 0)) is k in (-min(b,0), -a] */
        const int64_t top = -a, bottom = b < 0 ? -b : 0;
        s += tri(top) - tri(bottom);
    }
    if (b > 0) { /* x in [max(a, 0), b) */
        const int64_t first = a > 0 ? a : 0;
        s += tri(b - 1) - tri(first - 1);
    }
    return s;
}

msc_status msc_do_math_verify(msc_range r, const msc_params *p, const msc_partial *total,
                              msc_verdict *v, char *err, size_t len)
{
    (void)p;
    (void)err;
    (void)len;
    const msc_u128 want = sum_abs(r.lo + 1 - OFFSET, r.hi + 1 - OFFSET);
    msc_verdict_exact(v, total, want, "closed form of the sum of |i+1-1000000|, exact");
    return MSC_OK;
}

const msc_kernel msc_kernel_do_math = {
    "do_math",
    "the seeds' loop: sum of sqrt(x*x), x = i+1-1000000, summed exactly (default kernel)",
    1,
    "0:1G",
    MSC_RESULT_EXACT,
    NULL,
    0,
    -1,
    msc_do_math_check,
    msc_do_math_run,
    msc_do_math_verify,
    NULL,
};
