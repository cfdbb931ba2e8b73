/* u128.h — private: the unsigned 128-bit integer type of gcc/clang, and moving it in and out of
 * the two 64-bit words of an msc_partial. */
#ifndef MSC_U128_H
#define MSC_U128_H

#include "mpiscale/kernel.h"

__extension__ typedef unsigned __int128 msc_u128;

static inline msc_u128 msc_u128_make(uint64_t hi, uint64_t lo)
{
    return ((msc_u128)hi << 64) | lo;
}

static inline msc_u128 msc_partial_exact(const msc_partial *p)
{
    return msc_u128_make(p->exact_hi, p->exact_lo);
}

static inline void msc_partial_set_exact(msc_partial *p, msc_u128 v)
{
    p->exact_lo = (uint64_t)v;
    p->exact_hi = (uint64_t)(v >> 64);
}

/* Fills v for a kernel with an exact result: the expected value `want` as decimal, `method`, and
 * pass when total's exact value equals want. */
void msc_verdict_exact(msc_verdict *v, const msc_partial *total, msc_u128 want, const char *method);

#endif /* MSC_U128_H */
