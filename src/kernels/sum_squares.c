/* sum_squares.c — the exact sum of i^2 over [lo, hi) in unsigned 128-bit integers (the seeds'
 * Pool.map of x*x, summed). A range whose answer does not fit is refused before any work. */
#include <stdio.h>

#include "kernels.h"
#include "../u128.h"

/* Sum of j^2 for j in [a, a + n), a >= 0, into *out; returns 0 if it does not fit 128 bits.
 * Uses n*a^2 + a*n(n-1) + (n-1)n(2n-1)/6 with every product and sum checked. */
static int run_sum(uint64_t a, uint64_t n, msc_u128 *out)
{
    if (n == 0) {
        *out = 0;
        return 1;
    }
    msc_u128 aa, t1, t2, u, v, t3, s;
    const msc_u128 A = a, N = n;
    u = N * (N - 1) / 2; /* < 2^127: exact */
    v = 2 * N - 1;
    if (v % 3 == 0)
        v /= 3;
    else
        u /= 3;
    if (__builtin_mul_overflow(A, A, &aa) || __builtin_mul_overflow(N, aa, &t1) ||
        __builtin_mul_overflow(A, N * (N - 1), &t2) || __builtin_mul_overflow(u, v, &t3) ||
        __builtin_add_overflow(t1, t2, &s) || __builtin_add_overflow(s, t3, &s))
        return 0;
    *out = s;
    return 1;
}

/* Closed form over [lo, hi); returns 0 if the answer does not fit. */
static int closed_form(msc_range r, msc_u128 *out)
{
    msc_u128 neg = 0, pos = 0, sum;
    if (r.lo < 0) { /* i in [lo, min(hi,0)) is j = -i in [1 - min(hi,0), 1 - lo) */
        const int64_t top = r.hi < 0 ? r.hi : 0;
        const uint64_t first = (uint64_t)0 - (uint64_t)top + 1u;
        const uint64_t count = (uint64_t)top - (uint64_t)r.lo;
        if (!run_sum(first, count, &neg)) return 0;
    }
    if (r.hi > 0) {
        const int64_t first = r.lo > 0 ? r.lo : 0;
        if (!run_sum((uint64_t)first, (uint64_t)(r.hi - first), &pos)) return 0;
    }
    if (__builtin_add_overflow(neg, pos, &sum)) return 0;
    *out = sum;
    return 1;
}

static msc_status check(msc_range r, const msc_params *p, char *err, size_t len)
{
    msc_u128 s;
    (void)p;
    if (!closed_form(r, &s))
        return msc_fail(MSC_ERR_RANGE, err, len,
                        "the sum of i^2 over this range exceeds 2^128-1; choose a smaller range");
    return MSC_OK;
}

static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)whole;
    (void)p;
    msc_u128 acc = 0;
    for (int64_t i = lo; i < hi; i++) {
        const uint64_t a = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        acc += (msc_u128)a * a;
    }
    msc_partial_set_exact(out, acc);
    out->real = 0.0;
    out->n_items = hi - lo;
}

static msc_status verify(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len)
{
    msc_u128 want;
    (void)p;
    if (!closed_form(r, &want))
        return msc_fail(MSC_ERR_INTERNAL, err, len, "sum_squares: unchecked range reached verify");
    msc_verdict_exact(v, total, want, "closed form n*a^2 + a*n(n-1) + (n-1)n(2n-1)/6, exact");
    return MSC_OK;
}

const msc_kernel msc_kernel_sum_squares = {
    "sum_squares",
    "exact sum of i^2 in 128-bit integers (the seeds' Pool.map of x*x)",
    1,
    "0:1G",
    MSC_RESULT_EXACT,
    NULL,
    0,
    -1,
    check,
    run,
    verify,
    NULL,
    MSC_OP_NONE,
};
