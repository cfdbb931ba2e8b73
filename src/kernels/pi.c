/* pi.c — the midpoint rule for the integral of 4/(1+x^2) over [0, 1) with N = END-START intervals:
 * element i is the interval k = i - START. Each segment sums its terms in LANES interleaved
 * compensated sums, element e of the segment into lane e % LANES, then adds the lanes in lane
 * order; the driver adds segment sums in segment order. So the result is the same on any rank
 * count, and on every vector path (isa.h): each path does, lane by lane, the same IEEE operations
 * in the same order (no fused multiply-add: ISO C mode contracts nothing), 8 lanes to an AVX-512
 * register, 4 to an AVX2 one, one at a time on the scalar path. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "kernels.h"
#include "mpiscale/isa.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define MSC_HAVE_X86 1
#include <immintrin.h>
#else
#define MSC_HAVE_X86 0
#endif

#define LANES 16 /* two AVX-512 registers, four AVX2 ones: enough to hide the divider's latency */

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

/* Compensated (Kahan) summation, per lane: the rounding error of a segment's sum stays a few units
 * of roundoff whatever its length, so the bound in verify() does not grow with N and stays far
 * below the error of a wrong quadrature rule. Lane l of sum/carry takes elements l, l + LANES, ...
 * of the n elements from interval k0 on (k0 + n <= 2^53, so every k is exact in a double). */
static inline __attribute__((always_inline)) void lane_add(double *sum, double *carry, int l, double k, double h)
{
    const double x = (k + 0.5) * h;
    const double y = 4.0 / (1.0 + x * x) - carry[l];
    const double t = sum[l] + y;
    carry[l] = (t - sum[l]) - y;
    sum[l] = t;
}

/* The scalar path stays scalar: left to itself gcc turns the lanes into SSE2 divpd pairs, which
 * --isa scalar promises not to use (the result would be the same; the instruction would not). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize", "no-tree-slp-vectorize")))
#endif
static void lanes_scalar(double *sum, double *carry, double k0, int64_t n, double h)
{
    int64_t e = 0;
    for (; e + LANES <= n; e += LANES) /* whole groups: the compiler may keep the lanes in registers */
        for (int l = 0; l < LANES; l++) lane_add(sum, carry, l, k0 + (double)(e + l), h);
    for (int l = 0; e < n; e++, l++) lane_add(sum, carry, l, k0 + (double)e, h);
}

#if MSC_HAVE_X86
/* `groups` steps of LANES elements: the scalar loop's operations, four lanes per instruction. */
__attribute__((target("avx2"))) static void lanes_avx2(double *sum, double *carry, double k0,
                                                       int64_t groups, double h)
{
    const __m256d half = _mm256_set1_pd(0.5), hv = _mm256_set1_pd(h), one = _mm256_set1_pd(1.0);
    const __m256d four = _mm256_set1_pd(4.0), step = _mm256_set1_pd((double)LANES);
    __m256d k[4], s[4], c[4];
    for (int v = 0; v < 4; v++) {
        const double b = k0 + 4.0 * v;
        k[v] = _mm256_setr_pd(b, b + 1, b + 2, b + 3);
        s[v] = _mm256_loadu_pd(sum + 4 * v);
        c[v] = _mm256_loadu_pd(carry + 4 * v);
    }
    for (int64_t g = 0; g < groups; g++)
        for (int v = 0; v < 4; v++) {
            const __m256d x = _mm256_mul_pd(_mm256_add_pd(k[v], half), hv);
            const __m256d f = _mm256_div_pd(four, _mm256_add_pd(one, _mm256_mul_pd(x, x)));
            const __m256d y = _mm256_sub_pd(f, c[v]);
            const __m256d t = _mm256_add_pd(s[v], y);
            c[v] = _mm256_sub_pd(_mm256_sub_pd(t, s[v]), y);
            s[v] = t;
            k[v] = _mm256_add_pd(k[v], step);
        }
    for (int v = 0; v < 4; v++) {
        _mm256_storeu_pd(sum + 4 * v, s[v]);
        _mm256_storeu_pd(carry + 4 * v, c[v]);
    }
}

/* The same, eight lanes per instruction. */
__attribute__((target("avx512f"))) static void lanes_avx512(double *sum, double *carry, double k0,
                                                            int64_t groups, double h)
{
    const __m512d half = _mm512_set1_pd(0.5), hv = _mm512_set1_pd(h), one = _mm512_set1_pd(1.0);
    const __m512d four = _mm512_set1_pd(4.0), step = _mm512_set1_pd((double)LANES);
    __m512d k[2], s[2], c[2];
    for (int v = 0; v < 2; v++) {
        const double b = k0 + 8.0 * v;
        k[v] = _mm512_setr_pd(b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7);
        s[v] = _mm512_loadu_pd(sum + 8 * v);
        c[v] = _mm512_loadu_pd(carry + 8 * v);
    }
    for (int64_t g = 0; g < groups; g++)
        for (int v = 0; v < 2; v++) {
            const __m512d x = _mm512_mul_pd(_mm512_add_pd(k[v], half), hv);
            const __m512d f = _mm512_div_pd(four, _mm512_add_pd(one, _mm512_mul_pd(x, x)));
            const __m512d y = _mm512_sub_pd(f, c[v]);
            const __m512d t = _mm512_add_pd(s[v], y);
            c[v] = _mm512_sub_pd(_mm512_sub_pd(t, s[v]), y);
            s[v] = t;
            k[v] = _mm512_add_pd(k[v], step);
        }
    for (int v = 0; v < 2; v++) {
        _mm512_storeu_pd(sum + 8 * v, s[v]);
        _mm512_storeu_pd(carry + 8 * v, c[v]);
    }
}
#endif

static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)p;
    const double h = 1.0 / (double)(whole.hi - whole.lo), k0 = (double)(lo - whole.lo);
    double sum[LANES] = {0}, carry[LANES] = {0};
    const int64_t n = hi > lo ? hi - lo : 0;
    int64_t done = 0; /* elements the vector path took: whole groups, so lanes line up after */
#if MSC_HAVE_X86
    const msc_isa isa = msc_isa_active();
    if (isa == MSC_ISA_AVX512) {
        lanes_avx512(sum, carry, k0, n / LANES, h);
        done = n / LANES * LANES;
    } else if (isa == MSC_ISA_AVX2) {
        lanes_avx2(sum, carry, k0, n / LANES, h);
        done = n / LANES * LANES;
    }
#endif
    lanes_scalar(sum, carry, k0 + (double)done, n - done, h);
    /* the lanes, each its sum less its carry, added in lane order, compensated */
    double total = 0.0, c = 0.0;
    for (int l = 0; l < LANES; l++) {
        const double parts[2] = {sum[l], -carry[l]};
        for (int j = 0; j < 2; j++) {
            const double y = parts[j] - c;
            const double t = total + y;
            c = (t - total) - y;
            total = t;
        }
    }
    out->exact_lo = out->exact_hi = 0;
    out->real = total * h;
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
    2, /* 2: summed in 16 interleaved lanes (issue 8), which changes the last bits */
    "0:500M",
    MSC_RESULT_REAL,
    NULL,
    0,
    -1,
    check,
    run,
    verify,
    NULL,
    MSC_OP_DIV,
};
