/* isa.c — run-time choice of the kernels' vector path; the node's sqrt, division and add limits.
 *
 * The library is built for the baseline of the target (x86-64: SSE2), so the binary runs on any
 * node; the wider paths are functions compiled with gcc's target attribute and are only called
 * after the CPU has said it has them (__builtin_cpu_supports). The limits are measured with the
 * same instructions the kernels use, on eight independent operands per step so that the
 * instruction's throughput, not its latency, bounds the loop. */
#include "mpiscale/isa.h"

#include <stdint.h>
#include <string.h>

#include "mpiscale/timing.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define MSC_HAVE_X86 1
#include <immintrin.h>
#else
#define MSC_HAVE_X86 0
#include <math.h>
#endif

#define CHAINS 8 /* independent operands per step: more than sqrt's latency over its throughput */

static int active = -2; /* -2: not chosen yet (msc_isa_best() on first use) */

/* The measuring loops start from this value, read anew by each call: a volatile read makes them
 * impure, so that gcc -O3 does not merge repeated calls with the same step count into one. */
static volatile double origin = 1e12;
static volatile double sink; /* and keeps their results alive */

const char *msc_isa_name(msc_isa isa)
{
    switch (isa) {
    case MSC_ISA_SCALAR: return "scalar";
    case MSC_ISA_AVX2: return "avx2";
    case MSC_ISA_AVX512: return "avx512";
    case MSC_ISA_AUTO: return "auto";
    }
    return "?";
}

const char *msc_isa_instruction(msc_isa isa, msc_op op)
{
    static const char *const names[2][MSC_ISA_COUNT] = {
        {MSC_HAVE_X86 ? "sqrtsd" : "scalar sqrt", "vsqrtpd ymm", "vsqrtpd zmm"},
        {MSC_HAVE_X86 ? "divsd" : "scalar division", "vdivpd ymm", "vdivpd zmm"},
    };
    if (isa < MSC_ISA_SCALAR || isa >= MSC_ISA_COUNT || (op != MSC_OP_SQRT && op != MSC_OP_DIV)) return "?";
    return names[op == MSC_OP_DIV][isa];
}

int msc_isa_parse(const char *text, msc_isa *out)
{
    static const msc_isa all[] = {MSC_ISA_AUTO, MSC_ISA_SCALAR, MSC_ISA_AVX2, MSC_ISA_AVX512};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (text != NULL && strcmp(text, msc_isa_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

msc_isa msc_isa_best(void)
{
#if MSC_HAVE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return MSC_ISA_AVX512;
    if (__builtin_cpu_supports("avx2")) return MSC_ISA_AVX2;
#endif
    return MSC_ISA_SCALAR;
}

int msc_isa_select(msc_isa want)
{
    const msc_isa best = msc_isa_best();
    if (want == MSC_ISA_AUTO) want = best;
    if (want < MSC_ISA_SCALAR || want > best) return -1;
    active = (int)want;
    return 0;
}

msc_isa msc_isa_active(void)
{
    if (active == -2) active = (int)msc_isa_best();
    return (msc_isa)active;
}

/* ---- the limits ------------------------------------------------------------------------------ */

/* Each runs `steps` steps of CHAINS sqrts (div 0) or divisions 4/x (div 1), of a vector each, and
 * returns a sum of the results, so that nothing is optimised away. The operands grow by one per
 * step: no value repeats, and they are of do_math's size (about 1e12, whose root is about 1e6). */
#if MSC_HAVE_X86
static double op_steps_scalar(int64_t steps, int div)
{
    const double o = origin;
    __m128d x[CHAINS], s[CHAINS];
    const __m128d one = _mm_set_sd(1.0), four = _mm_set_sd(4.0);
    for (int k = 0; k < CHAINS; k++) {
        x[k] = _mm_set_sd(o + 1e9 * k);
        s[k] = _mm_setzero_pd();
    }
    for (int64_t i = 0; i < steps; i++)
        for (int k = 0; k < CHAINS; k++) {
            s[k] = _mm_add_sd(s[k], div ? _mm_div_sd(four, x[k]) : _mm_sqrt_sd(x[k], x[k]));
            x[k] = _mm_add_sd(x[k], one);
        }
    double t = 0.0;
    for (int k = 0; k < CHAINS; k++) t += _mm_cvtsd_f64(s[k]);
    return t;
}

__attribute__((target("avx2"))) static double op_steps_avx2(int64_t steps, int div)
{
    const double o = origin;
    __m256d x[CHAINS], s[CHAINS];
    const __m256d one = _mm256_set1_pd(1.0), four = _mm256_set1_pd(4.0);
    for (int k = 0; k < CHAINS; k++) {
        x[k] = _mm256_setr_pd(o + 1e9 * k, 2 * o + 1e9 * k, 3 * o + 1e9 * k, 4 * o + 1e9 * k);
        s[k] = _mm256_setzero_pd();
    }
    for (int64_t i = 0; i < steps; i++)
        for (int k = 0; k < CHAINS; k++) {
            s[k] = _mm256_add_pd(s[k], div ? _mm256_div_pd(four, x[k]) : _mm256_sqrt_pd(x[k]));
            x[k] = _mm256_add_pd(x[k], one);
        }
    double lanes[4], t = 0.0;
    for (int k = 0; k < CHAINS; k++) {
        _mm256_storeu_pd(lanes, s[k]);
        t += lanes[0] + lanes[1] + lanes[2] + lanes[3];
    }
    return t;
}

__attribute__((target("avx512f"))) static double op_steps_avx512(int64_t steps, int div)
{
    const double o = origin;
    __m512d x[CHAINS], s[CHAINS];
    const __m512d one = _mm512_set1_pd(1.0), four = _mm512_set1_pd(4.0);
    for (int k = 0; k < CHAINS; k++) {
        x[k] = _mm512_setr_pd(o + 1e9 * k, 2 * o + 1e9 * k, 3 * o + 1e9 * k, 4 * o + 1e9 * k,
                              5 * o + 1e9 * k, 6 * o + 1e9 * k, 7 * o + 1e9 * k, 8 * o + 1e9 * k);
        s[k] = _mm512_setzero_pd();
    }
    for (int64_t i = 0; i < steps; i++)
        for (int k = 0; k < CHAINS; k++) {
            s[k] = _mm512_add_pd(s[k], div ? _mm512_div_pd(four, x[k]) : _mm512_sqrt_pd(x[k]));
            x[k] = _mm512_add_pd(x[k], one);
        }
    double t = 0.0;
    for (int k = 0; k < CHAINS; k++) t += _mm512_reduce_add_pd(s[k]);
    return t;
}
#else
static double op_steps_scalar(int64_t steps, int div)
{
    const double o = origin;
    double x[CHAINS], s[CHAINS];
    for (int k = 0; k < CHAINS; k++) {
        x[k] = o + 1e9 * k;
        s[k] = 0.0;
    }
    for (int64_t i = 0; i < steps; i++)
        for (int k = 0; k < CHAINS; k++) {
            s[k] += div ? 4.0 / x[k] : sqrt(x[k]);
            x[k] += 1.0;
        }
    double t = 0.0;
    for (int k = 0; k < CHAINS; k++) t += s[k];
    return t;
}
#endif

static double op_steps(msc_isa isa, int64_t steps, int div)
{
#if MSC_HAVE_X86
    if (isa == MSC_ISA_AVX512) return op_steps_avx512(steps, div);
    if (isa == MSC_ISA_AVX2) return op_steps_avx2(steps, div);
#else
    (void)isa;
#endif
    return op_steps_scalar(steps, div);
}

static const int lanes_of[MSC_ISA_COUNT] = {1, 4, 8};

/* Times fn(steps) with steps doubled until one call takes a fifth of the budget, then keeps the
 * fastest of the calls that fit in the rest: noise only ever slows a loop down, so the fastest
 * call is the closest to what the hardware can do. Returns seconds per step. */
static double fastest_step_s(double (*fn)(msc_isa, int64_t, int), msc_isa isa, int div, double seconds)
{
    int64_t steps = 1024;
    double t0 = msc_now_s(), dt = 0.0;
    for (;;) {
        const double a = msc_now_s();
        sink = fn(isa, steps, div);
        dt = msc_now_s() - a;
        if (dt >= seconds / 5 || steps >= ((int64_t)1 << 40)) break;
        steps *= 2;
    }
    double best = dt / (double)steps;
    for (int i = 0; i < 8 && msc_now_s() - t0 < seconds; i++) {
        const double a = msc_now_s();
        sink = fn(isa, steps, div);
        const double per = (msc_now_s() - a) / (double)steps;
        if (per < best) best = per;
    }
    return best;
}

double msc_isa_limit_ns(msc_isa isa, msc_op op, double seconds)
{
    if (isa < MSC_ISA_SCALAR || isa > msc_isa_best() || (op != MSC_OP_SQRT && op != MSC_OP_DIV)) return -1.0;
    const double per_step = fastest_step_s(op_steps, isa, op == MSC_OP_DIV, seconds);
    return per_step * 1e9 / (double)(CHAINS * lanes_of[isa]);
}

/* One chain of dependent adds, four per loop step (the loop's own counting runs alongside). */
static double add_steps(msc_isa isa, int64_t steps, int div)
{
    (void)isa;
    (void)div;
    double s = origin * 1e-12, d = 1e-3;
    for (int64_t i = 0; i < steps; i++) {
        s += d;
        s += d;
        s += d;
        s += d; /* without -ffast-math the compiler may not regroup them */
    }
    return s;
}

double msc_isa_add_latency_ns(double seconds)
{
    return fastest_step_s(add_steps, MSC_ISA_SCALAR, 0, seconds) * 1e9 / 4.0;
}
