/* heavy_tail.c — a random, heavy-tailed cost per element, for trying schedules: element i walks a
 * 64-bit linear congruential generator w_i steps, w_i = min(2^26, floor(1024 * u^(-1/alpha))) with
 * u uniform in (0, 1] from Random123's Philox4x32-10 keyed by (seed, i) — a Pareto tail, so a few
 * elements cost thousands of times the median and segment costs vary irregularly. The result is
 * the exact sum of the walks' end states; verify reaches each end state independently by jumping
 * the generator ahead in O(log w_i) steps. */
#include <math.h>

#include <Random123/philox.h>

#include "kernels.h"
#include "../u128.h"

#define LCG_A 6364136223846793005ULL /* Knuth's MMIX multiplier and increment */
#define LCG_C 1442695040888963407ULL
#define W_MIN 1024.0
#define W_CAP ((uint64_t)1 << 26)

static const msc_param_spec tail_params[] = {
    {"seed", MSC_PARAM_INT, 1.0, 0.0, 9007199254740992.0, "key of the random stream"},
    {"alpha", MSC_PARAM_REAL, 1.2, 1.05, 4.0,
     "Pareto tail index: smaller is heavier (mean cost 1024*alpha/(alpha-1) LCG steps)"},
};

/* Element i's walk: its start state and its length. */
static void element(uint64_t seed, double alpha, int64_t i, uint64_t *x0, uint64_t *steps)
{
    const uint64_t u64 = (uint64_t)i;
    philox4x32_ctr_t ctr = {{(uint32_t)u64, (uint32_t)(u64 >> 32), 0x68746c69u, 0u}};
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    /* u in (0, 1]: 53 random bits, plus one so that u is never 0 */
    const uint64_t bits = ((((uint64_t)r.v[0] << 32) | r.v[1]) >> 11) + 1;
    const double u = ldexp((double)bits, -53);
    const double w = floor(W_MIN * pow(u, -1.0 / alpha));
    *steps = w >= (double)W_CAP ? W_CAP : (uint64_t)w;
    *x0 = ((uint64_t)r.v[2] << 32) | r.v[3];
}

/* x after `steps` LCG steps, one at a time: the work whose cost is heavy-tailed. */
static uint64_t walk(uint64_t x, uint64_t steps)
{
    for (uint64_t k = 0; k < steps; k++) x = LCG_A * x + LCG_C;
    return x;
}

/* x after `steps` LCG steps, by squaring: (a, c) composed with itself is (a^2, (a + 1) c). */
static uint64_t jump(uint64_t x, uint64_t steps)
{
    uint64_t a = LCG_A, c = LCG_C, acc_a = 1, acc_c = 0;
    for (; steps > 0; steps >>= 1) {
        if (steps & 1) {
            acc_a *= a;
            acc_c = acc_c * a + c;
        }
        c *= a + 1;
        a *= a;
    }
    return acc_a * x + acc_c;
}

/* The exact sum over [lo, hi) of each element's end state, reached by `end`. */
static void sum_end_states(int64_t lo, int64_t hi, const msc_params *p,
                           uint64_t (*end)(uint64_t, uint64_t), msc_partial *out)
{
    const uint64_t seed = (uint64_t)p->value[0];
    const double alpha = p->value[1];
    msc_u128 acc = 0;
    for (int64_t i = lo; i < hi; i++) {
        uint64_t x, steps;
        element(seed, alpha, i, &x, &steps);
        acc += end(x, steps);
    }
    msc_partial_set_exact(out, acc);
    out->real = 0.0;
    out->n_items = hi - lo;
}

static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)whole;
    sum_end_states(lo, hi, p, walk, out);
}

static void reference_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p,
                          msc_partial *out)
{
    (void)whole;
    sum_end_states(lo, hi, p, jump, out);
}

static msc_status verify(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len)
{
    (void)err;
    (void)len;
    msc_partial ref;
    reference_run(r, r.lo, r.hi, p, &ref);
    msc_verdict_exact(v, total, msc_partial_exact(&ref),
                      "every walk's end state recomputed by LCG jump-ahead, exact");
    return MSC_OK;
}

const msc_kernel msc_kernel_heavy_tail = {
    "heavy_tail",
    "random Pareto-tailed cost per element (an LCG walk of w_i steps, w_i from Philox4x32-10); "
    "exact sum of end states, checked by jump-ahead",
    1,
    "0:200K",
    MSC_RESULT_EXACT,
    tail_params,
    2,
    -1,
    NULL,
    run,
    verify,
    reference_run,
    MSC_OP_NONE,
};
