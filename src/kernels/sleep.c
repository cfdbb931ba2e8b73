/* sleep.c — the I/O-bound case of seeds 002/003: each element waits `usec` microseconds and
 * uses no CPU, so it scales past the number of cores. The result is the element count. Also
 * `empty`, which does no per-element work at all: a run of it is all runtime (setup, scatter,
 * gather, combine), which is what --calibrate times. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "kernels.h"
#include "../u128.h"

static const msc_param_spec sleep_params[] = {
    {"usec", MSC_PARAM_INT, 1000.0, 0.0, 10000000.0, "microseconds each element waits"},
};

static void run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)whole;
    const long long usec = (long long)p->value[0];
    for (int64_t i = lo; i < hi && usec > 0; i++) {
        struct timespec left = {(time_t)(usec / 1000000), (long)(usec % 1000000) * 1000L};
        while (nanosleep(&left, &left) != 0 && errno == EINTR) {
        }
    }
    out->exact_lo = (uint64_t)(hi - lo);
    out->exact_hi = 0;
    out->real = 0.0;
    out->n_items = hi - lo;
}

static msc_status verify(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len)
{
    (void)p;
    (void)err;
    (void)len;
    const int64_t want = r.hi - r.lo;
    msc_verdict_exact(v, total, (msc_u128)want, "one count per element: END-START");
    return MSC_OK;
}

const msc_kernel msc_kernel_sleep = {
    "sleep",
    "each element waits --param usec microseconds: I/O-bound, scales past the core count",
    1,
    "0:1000",
    MSC_RESULT_EXACT,
    sleep_params,
    1,
    -1,
    NULL,
    run,
    verify,
    NULL,
    MSC_OP_NONE,
};

/* empty: O(1) per segment whatever its length, so that a run measures the runtime and nothing
 * else; its result, the element count, still proves that every segment was run exactly once. */
static void run_empty(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    (void)whole;
    (void)p;
    out->exact_lo = (uint64_t)(hi - lo);
    out->exact_hi = 0;
    out->real = 0.0;
    out->n_items = hi - lo;
}

const msc_kernel msc_kernel_empty = {
    "empty",
    "does no per-element work (the result is the element count): the runtime's own overhead, "
    "as --calibrate runs it",
    1,
    "0:1G",
    MSC_RESULT_EXACT,
    NULL,
    0,
    -1,
    NULL,
    run_empty,
    verify,
    NULL,
    MSC_OP_NONE,
};
