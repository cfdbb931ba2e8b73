/* primes.c — count the primes in [lo, hi) by trial division. A number's cost grows with its square
 * root, so a block split leaves the low ranks idle: the imbalanced case. Verified against a
 * segmented sieve of Eratosthenes in bounded memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "../u128.h"

#define LIMIT ((int64_t)1 << 42) /* keeps trial division and the sieve's base primes small */
#define SIEVE_BLOCK ((int64_t)1 << 20)

static int is_prime(int64_t n)
{
    if (n < 2) return 0;
    if (n < 4) return 1;
    if (n % 2 == 0 || n % 3 == 0) return 0;
    for (int64_t d = 5; d * d <= n; d += 6)
        if (n % d == 0 || n % (d + 2) == 0) return 0;
    return 1;
}

static msc_status check(msc_range r, const msc_params *p, char *err, size_t len)
{
    (void)p;
    if (r.hi > LIMIT)
        return msc_fail(MSC_ERR_RANGE, err, len, "END must be at most 2^42 = %lld (trial division and the sieve stay small)",
                        (long long)LIMIT);
    return MSC_OK;
}

static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)whole;
    (void)p;
    uint64_t count = 0;
    for (int64_t n = lo < 2 ? 2 : lo; n < hi; n++) count += (uint64_t)is_prime(n);
    out->exact_lo = count;
    out->exact_hi = 0;
    out->real = 0.0;
    out->n_items = hi - lo;
}

static int64_t isqrt(int64_t n)
{
    int64_t s = 0;
    while ((s + 1) * (s + 1) <= n) s++; /* n <= 2^42: at most 2^21 steps, once per verify */
    return s;
}

/* Counts primes in [lo, hi) with 2 <= lo; returns -1 when out of memory. */
static int64_t sieve_count(int64_t lo, int64_t hi)
{
    const int64_t root = isqrt(hi - 1);
    char *small = (char *)calloc((size_t)root + 1, 1), *block = (char *)malloc((size_t)SIEVE_BLOCK);
    int64_t count = 0;
    if (small == NULL || block == NULL) {
        free(small);
        free(block);
        return -1;
    }
    for (int64_t i = 2; i * i <= root; i++) /* small[i] = 1 marks a composite */
        if (!small[i])
            for (int64_t j = i * i; j <= root; j += i) small[j] = 1;
    for (int64_t base = lo; base < hi; base += SIEVE_BLOCK) {
        const int64_t top = hi - base < SIEVE_BLOCK ? hi : base + SIEVE_BLOCK;
        memset(block, 0, (size_t)(top - base));
        for (int64_t q = 2; q <= root; q++) {
            if (small[q]) continue;
            int64_t start = (base + q - 1) / q * q;
            if (start < q * q) start = q * q;
            for (int64_t m = start; m < top; m += q) block[m - base] = 1;
        }
        for (int64_t m = base; m < top; m++) count += !block[m - base];
    }
    free(small);
    free(block);
    return count;
}

static msc_status verify(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len)
{
    (void)p;
    const int64_t lo = r.lo < 2 ? 2 : r.lo;
    const int64_t want = lo < r.hi ? sieve_count(lo, r.hi) : 0;
    if (want < 0) return msc_fail(MSC_ERR_NOMEM, err, len, "primes: no memory for the sieve");
    msc_verdict_exact(v, total, (msc_u128)want, "segmented sieve of Eratosthenes, exact");
    return MSC_OK;
}

const msc_kernel msc_kernel_primes = {
    "primes",
    "count primes by trial division; cost grows with i, so block splits are imbalanced",
    1,
    "0:20M",
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
