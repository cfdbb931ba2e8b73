/* amdahl.c — do_math's real CPU work with a declared serial share: the driver has rank 0 compute
 * the first F of the range alone before the rest is distributed, so the measured speedup can be
 * held against Amdahl's 1 / (F + (1 - F) / P). Result and reference are do_math's. */
#include "kernels.h"

static const msc_param_spec amdahl_params[] = {
    {"serial", MSC_PARAM_REAL, 0.3, 0.0, 0.95,
     "share F of the work that rank 0 does alone before the parallel part"},
};

const msc_kernel msc_kernel_amdahl = {
    "amdahl",
    "do_math work with a declared serial share F (--param serial=F) done by rank 0 alone",
    1,
    "0:1G",
    MSC_RESULT_EXACT,
    amdahl_params,
    1,
    0,
    msc_do_math_check,
    msc_do_math_run,
    msc_do_math_verify,
    NULL,
    MSC_OP_SQRT,
};
