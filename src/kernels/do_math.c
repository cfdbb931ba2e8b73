/* do_math.c — the seeds' loop: for each i, x = (i + 1) - 1,000,000 and the term sqrt(x*x),
 * computed in double precision. In binary floating point sqrt(fl(x*x)) == |x| exactly whenever x
 * itself is exact (|x| <= 2^53), so the terms are summed as integers: the result is the exact
 * sum of |x|, independent of the order of additions, and checks against its closed form.
 *
 * Because the sum is exact, the loop may take its terms in any grouping: the vector paths (isa.h)
 * compute four or eight terms per sqrt instruction, keep one integer sum per lane and give the
 * same partial, bit for bit, as the scalar loop. Which path runs is chosen at run time. */
#include <math.h>
#include <stdio.h>

#include "kernels.h"
#include "mpiscale/isa.h"
#include "../u128.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define MSC_HAVE_X86 1
#include <immintrin.h>
#else
#define MSC_HAVE_X86 0
#endif

#define OFFSET 1000000
#define EXACT_LIMIT ((int64_t)1 << 53) /* largest |x| a double holds exactly */
/* Terms are at most 2^53, so 1024 of them fit a uint64 before it is flushed into 128 bits. */
#define FLUSH_EVERY 1024
/* The AVX2 path turns a root into an integer by adding 2^52 (AVX2 has no double-to-int64
 * conversion), which is exact for roots below 2^52; segments with larger |x| run scalar. */
#define AVX2_LIMIT ((int64_t)1 << 51)

/* Sum of |i+1-OFFSET| over [lo, hi), one sqrt at a time. */
static msc_u128 sum_scalar(int64_t lo, int64_t hi)
{
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
    return acc;
}

#if MSC_HAVE_X86
/* Four terms per instruction, two vectors per step; every lane's sum stays below 2^62 for
 * FLUSH_EVERY steps (terms below 2^51), then the lanes go into the 128-bit total. */
__attribute__((target("avx2"))) static msc_u128 sum_avx2(int64_t lo, int64_t hi)
{
    const __m256d magic = _mm256_set1_pd(0x1p52), step = _mm256_set1_pd(8.0);
    const __m256i magic_bits = _mm256_castpd_si256(magic);
    const double x0 = (double)(lo + 1 - OFFSET);
    __m256d xa = _mm256_setr_pd(x0, x0 + 1, x0 + 2, x0 + 3);
    __m256d xb = _mm256_add_pd(xa, _mm256_set1_pd(4.0));
    msc_u128 acc = 0;
    int64_t i = lo;
    while (hi - i >= 8) {
        int64_t steps = (hi - i) / 8;
        if (steps > FLUSH_EVERY) steps = FLUSH_EVERY;
        __m256i sa = _mm256_setzero_si256(), sb = _mm256_setzero_si256();
        for (int64_t k = 0; k < steps; k++) {
            const __m256d ra = _mm256_sqrt_pd(_mm256_mul_pd(xa, xa));
            const __m256d rb = _mm256_sqrt_pd(_mm256_mul_pd(xb, xb));
            const __m256i ia = _mm256_castpd_si256(_mm256_add_pd(ra, magic));
            const __m256i ib = _mm256_castpd_si256(_mm256_add_pd(rb, magic));
            sa = _mm256_add_epi64(sa, _mm256_sub_epi64(ia, magic_bits));
            sb = _mm256_add_epi64(sb, _mm256_sub_epi64(ib, magic_bits));
            xa = _mm256_add_pd(xa, step);
            xb = _mm256_add_pd(xb, step);
        }
        uint64_t lanes[4];
        _mm256_storeu_si256((__m256i *)(void *)lanes, _mm256_add_epi64(sa, sb));
        for (int l = 0; l < 4; l++) acc += lanes[l];
        i += steps * 8;
    }
    return acc + sum_scalar(i, hi);
}

/* Eight terms per instruction, two vectors per step, converted by vcvttpd2uqq; a lane adds at
 * most FLUSH_EVERY terms (each up to 2^53) before the lanes go into the 128-bit total. */
__attribute__((target("avx512f,avx512dq"))) static msc_u128 sum_avx512(int64_t lo, int64_t hi)
{
    const __m512d step = _mm512_set1_pd(16.0);
    const double x0 = (double)(lo + 1 - OFFSET);
    __m512d xa = _mm512_setr_pd(x0, x0 + 1, x0 + 2, x0 + 3, x0 + 4, x0 + 5, x0 + 6, x0 + 7);
    __m512d xb = _mm512_add_pd(xa, _mm512_set1_pd(8.0));
    msc_u128 acc = 0;
    int64_t i = lo;
    while (hi - i >= 16) {
        int64_t steps = (hi - i) / 16;
        if (steps > FLUSH_EVERY / 2) steps = FLUSH_EVERY / 2; /* sa + sb: 2 x 512 terms a lane */
        __m512i sa = _mm512_setzero_si512(), sb = _mm512_setzero_si512();
        for (int64_t k = 0; k < steps; k++) {
            sa = _mm512_add_epi64(sa, _mm512_cvttpd_epu64(_mm512_sqrt_pd(_mm512_mul_pd(xa, xa))));
            sb = _mm512_add_epi64(sb, _mm512_cvttpd_epu64(_mm512_sqrt_pd(_mm512_mul_pd(xb, xb))));
            xa = _mm512_add_pd(xa, step);
            xb = _mm512_add_pd(xb, step);
        }
        uint64_t lanes[8];
        _mm512_storeu_si512(lanes, _mm512_add_epi64(sa, sb));
        for (int l = 0; l < 8; l++) acc += lanes[l];
        i += steps * 16;
    }
    return acc + sum_scalar(i, hi);
}
#endif

/* The sum over [lo, hi) by the path in use. */
static msc_u128 sum_terms(int64_t lo, int64_t hi)
{
#if MSC_HAVE_X86
    const msc_isa isa = msc_isa_active();
    if (isa == MSC_ISA_AVX512) return sum_avx512(lo, hi);
    if (isa == MSC_ISA_AVX2) {
        const int64_t a = lo + 1 - OFFSET, b = hi - OFFSET; /* the first and last x */
        if (a > -AVX2_LIMIT && b < AVX2_LIMIT) return sum_avx2(lo, hi);
    }
#endif
    return sum_scalar(lo, hi);
}

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
    msc_partial_set_exact(out, lo < hi ? sum_terms(lo, hi) : 0);
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
    MSC_OP_SQRT,
};
