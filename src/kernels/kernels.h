/* kernels.h — private: the kernel descriptors defined one per file in src/kernels/, gathered into
 * the registry by kernel.c, and the do_math pieces that the amdahl kernel reuses. */
#ifndef MSC_KERNELS_H
#define MSC_KERNELS_H

#include "mpiscale/kernel.h"

extern const msc_kernel msc_kernel_do_math;
extern const msc_kernel msc_kernel_sum_squares;
extern const msc_kernel msc_kernel_random_fill;
extern const msc_kernel msc_kernel_pi;
extern const msc_kernel msc_kernel_primes;
extern const msc_kernel msc_kernel_sleep;
extern const msc_kernel msc_kernel_empty;
extern const msc_kernel msc_kernel_amdahl;
extern const msc_kernel msc_kernel_heavy_tail;

msc_status msc_do_math_check(msc_range r, const msc_params *p, char *err, size_t len);
void msc_do_math_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p,
                     msc_partial *out);
msc_status msc_do_math_verify(msc_range r, const msc_params *p, const msc_partial *total,
                              msc_verdict *v, char *err, size_t len);

#endif /* MSC_KERNELS_H */
