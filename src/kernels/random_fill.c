/* random_fill.c — seed 002's list_append: element i draws a double in [0, 1) from Random123's
 * Philox4x32-10 keyed by (seed, i), stores it in a bounded per-segment buffer and folds the buffer
 * into a checksum. The checksum is the exact sum of the 53-bit integers behind the doubles, so it
 * depends on neither the rank count nor the order of additions. */
#include <math.h>
#include <stdio.h>

#include <Random123/philox.h>

#include "kernels.h"
#include "../u128.h"

#define BUFFER_ITEMS 4096          /* bounded memory per rank, whatever the segment size */
#define RECOMPUTE_LIMIT (1 << 22)  /* verify recomputes the checksum itself up to this many */
#define SIGMAS 6.0

static const msc_param_spec fill_params[] = {
    {"seed", MSC_PARAM_INT, 1.0, 0.0, 9007199254740992.0, "key of the random stream"},
};

/* The 53-bit integer k_i behind element i's double k_i * 2^-53. */
static uint64_t draw53(uint64_t seed, int64_t i)
{
    const uint64_t u = (uint64_t)i;
    philox4x32_ctr_t ctr = {{(uint32_t)u, (uint32_t)(u >> 32), 0u, 0u}};
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    return ((((uint64_t)r.v[0] << 32) | r.v[1]) >> 11);
}

static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)whole;
    const uint64_t seed = (uint64_t)p->value[0];
    double buffer[BUFFER_ITEMS];
    msc_u128 acc = 0;
    for (int64_t i = lo; i < hi;) {
        const int n = hi - i > BUFFER_ITEMS ? BUFFER_ITEMS : (int)(hi - i);
        for (int j = 0; j < n; j++) buffer[j] = ldexp((double)draw53(seed, i + j), -53);
        for (int j = 0; j < n; j++) acc += (uint64_t)ldexp(buffer[j], 53); /* exact round trip */
        i += n;
    }
    msc_partial_set_exact(out, acc);
    out->real = 0.0;
    out->n_items = hi - lo;
}

/* The independent path: no buffer, no doubles, one running sum of the 53-bit integers. */
static void reference_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p,
                          msc_partial *out)
{
    (void)whole;
    const uint64_t seed = (uint64_t)p->value[0];
    msc_u128 acc = 0;
    for (int64_t i = lo; i < hi; i++) acc += draw53(seed, i);
    msc_partial_set_exact(out, acc);
    out->real = 0.0;
    out->n_items = hi - lo;
}

static msc_status verify(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len)
{
    (void)err;
    (void)len;
    const int64_t n = r.hi - r.lo;
    const double mean = ldexp((double)msc_partial_exact(total), -53) / (double)n;
    const double sigma = sqrt(1.0 / (12.0 * (double)n));
    const int stat_ok = fabs(mean - 0.5) <= SIGMAS * sigma;
    if (n <= RECOMPUTE_LIMIT) {
        msc_partial ref;
        reference_run(r, r.lo, r.hi, p, &ref);
        const msc_u128 want = msc_partial_exact(&ref);
        msc_u128_format((uint64_t)(want >> 64), (uint64_t)want, v->expected, sizeof v->expected);
        snprintf(v->method, sizeof v->method,
                 "independent recompute of the checksum; mean %.6f within %.0f sigma of 0.5: %s",
                 mean, SIGMAS, stat_ok ? "yes" : "no");
        v->pass = msc_partial_exact(total) == want && stat_ok;
        v->exact = 1;
    } else {
        snprintf(v->expected, sizeof v->expected, "mean 0.5 +- %.3g", SIGMAS * sigma);
        snprintf(v->method, sizeof v->method,
                 "statistical (N > %d): mean %.6f, |mean-0.5| <= %.0f sigma = %.3g", RECOMPUTE_LIMIT,
                 mean, SIGMAS, SIGMAS * sigma);
        v->pass = stat_ok;
        v->exact = 0; /* the driver spot-checks sampled segments exactly */
    }
    return MSC_OK;
}

const msc_kernel msc_kernel_random_fill = {
    "random_fill",
    "seed 002's list_append: Philox4x32-10 doubles keyed by (seed, i) into a bounded buffer, "
    "exact checksum",
    1,
    "0:100M",
    MSC_RESULT_EXACT,
    fill_params,
    1,
    -1,
    NULL,
    run,
    verify,
    reference_run,
    MSC_OP_NONE,
};
