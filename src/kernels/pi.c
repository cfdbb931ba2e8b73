/* pi.c — the midpoint rule for the integral of 4/(1+x^2) over [0, 1) with N = END-START intervals:
 * element i is the interval k = i - START. Each segment sums its terms in index order and the
 * driver adds segment sums in segment order, so the result is the same on any rank count. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "kernels.h"

#define MAX_INTERVALS ((int64_t)1 << 53) /* interval indices stay exact in a double */

static msc_status check(msc_range r, const msc_params *p, char *err, size_t len)
{
    (void)p;
    if (msc_range_count(r) > MAX_INTERVALS)
        return msc_fail(MSC_ERR_RANGE, err, len,
                        "at most 2^53 = %lld intervals (END-START), so that every midpoint is "
                        "exact in double precision", (long long)MAX_INTERVALS);
    return MSC_OK;
}

/* Compensated (Kahan) summation in index order: the rounding error of a segment's sum stays a few
 * units of roundoff whatever its length, so the bound in verify() does not grow with N and stays
 * far below the error of a wrong quadrature rule. */
static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)p;
    const double h = 1.0 / (double)(whole.hi - whole.lo);
    double sum = 0.0, carry = 0.0;
    for (int64_t i = lo; i < hi; i++) {
        const double x = ((double)(i - whole.lo) + 0.5) * h;
        const double y = 4.0 / (1.0 + x * x) - carry;
        const double t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }
    out->exact_lo = out->exact_hi = 0;
    out->real = sum * h;
    out->n_items = hi - lo;
}

static msc_status verify(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len)
{
    (void)p;
    (void)err;
    (void)len;
    const double n = (double)(r.hi - r.lo), h = 1.0 / n, u = DBL_EPSILON / 2.0;
    /* Midpoint rule: |E| <= (b-a) h^2 max|f''| / 24, with max|f''| = 8 at x = 0. Rounding, with
     * the total below 4: each term's evaluation, each segment's compensated sum, the scaling by h
     * and the compensated sum of the segments cost a few units of roundoff u each (64 u covers
     * them with room); compensated summation adds O(n u^2) on top. */
    const double bound = h * h / 3.0 + 4.0 * u * 64.0 + 4.0 * n * u * u;
    const double pi = 3.14159265358979323846;
    const double error = fabs(total->real - pi);
    snprintf(v->expected, sizeof v->expected, "%.17g", pi);
    snprintf(v->method, sizeof v->method,
             "|result - pi| = %.3g <= bound %.3g (h^2/3 discretisation + rounding)", error, bound);
    v->pass = error <= bound;
    v->exact = 0;
    return MSC_OK;
}

const msc_kernel msc_kernel_pi = {
    "pi",
    "midpoint rule for the integral of 4/(1+x^2) on [0,1) with END-START intervals",
    1,
    "0:500M",
    MSC_RESULT_REAL,
    NULL,
    0,
    -1,
    check,
    run,
    verify,
    NULL,
    0,
};
