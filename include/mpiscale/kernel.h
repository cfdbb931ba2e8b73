/* kernel.h — the kernel registry: what each kernel computes, its parameters, its limits and its
 * independent reference. Kernels are rank-local and pure (no MPI, no global state); the `sleep`
 * kernel's waiting is its only side effect. The registry is one const table that --help,
 * --list-kernels, the driver and the tests all iterate. */
#ifndef MSC_KERNEL_H
#define MSC_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "mpiscale/isa.h"
#include "mpiscale/range.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A partial result: what one segment (or a combination of segments) produced. Plain data of fixed
 * size so that the driver can move arrays of it as bytes. */
typedef struct msc_partial {
    uint64_t exact_lo; /* low 64 bits of an exact unsigned 128-bit accumulator */
    uint64_t exact_hi; /* high 64 bits of it */
    double real;       /* floating-point accumulator (kernels with a real result) */
    int64_t n_items;   /* elements this partial covers */
} msc_partial;

typedef enum msc_result_kind {
    MSC_RESULT_EXACT = 0, /* the result is the exact unsigned 128-bit integer */
    MSC_RESULT_REAL       /* the result is `real`, a double */
} msc_result_kind;

typedef enum msc_param_type { MSC_PARAM_INT = 0, MSC_PARAM_REAL } msc_param_type;

#define MSC_MAX_PARAMS 4

/* One accepted --param key of a kernel, with its default and its inclusive bounds. */
typedef struct msc_param_spec {
    const char *name;
    msc_param_type type;
    double def, min, max; /* for MSC_PARAM_INT, whole numbers within +-2^53 */
    const char *help;
} msc_param_spec;

/* Parsed parameter values, indexed like the kernel's spec table. */
typedef struct msc_params {
    int count;
    double value[MSC_MAX_PARAMS];
} msc_params;

/* What verification found. */
typedef struct msc_verdict {
    int pass;           /* 1 when the result agrees with the reference */
    int exact;          /* 1 when the whole total was checked exactly (no sampling is needed) */
    char expected[64];  /* the reference value as text */
    char method[256];   /* how it was checked, e.g. "closed form" or "|err| <= 3.3e-10 bound" */
} msc_verdict;

typedef struct msc_kernel {
    const char *name;
    const char *summary;        /* one line for --list-kernels */
    int version;                /* bumped whenever the result for the same inputs changes */
    const char *default_range;  /* used when --range is not given, e.g. "0:1G" */
    msc_result_kind result_kind;
    const msc_param_spec *params;
    int n_params;
    int serial_param;           /* index of the serial-share parameter, or -1 */
    /* Kernel-specific limits on the range and parameters, checked before any work. */
    msc_status (*check)(msc_range r, const msc_params *p, char *err, size_t len);
    /* Computes elements [lo, hi) of the job over `whole` into *out (n_items set too). The whole
     * range is passed because some kernels (pi) depend on it, not only on the segment. */
    void (*run)(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out);
    /* Checks `total` (the combination of the whole range) against an independent reference. */
    msc_status (*verify)(msc_range r, const msc_params *p, const msc_partial *total,
                         msc_verdict *v, char *err, size_t len);
    /* Optional (NULL when verify() checks every total exactly): computes one segment by a path
     * independent of run(), so that sampled segments can be checked exactly when the total can
     * only be checked statistically. */
    void (*reference_run)(msc_range whole, int64_t lo, int64_t hi, const msc_params *p,
                          msc_partial *out);
    /* The instruction each element's cost is bound by (isa.h), MSC_OP_NONE for none: for the
     * others the kernel has vector paths, the report says which one ran and, with --calibrate,
     * holds the compute time per element against the node's measured limit for it. */
    msc_op per_item_op;
} msc_kernel;

/* Number of registered kernels, and kernel i (0 <= i < count) in registry order. */
size_t msc_kernel_count(void);
const msc_kernel *msc_kernel_at(size_t i);

/* The kernel named `name`, or NULL. */
const msc_kernel *msc_kernel_find(const char *name);

/* Fills *out with k's defaults overridden by `n` "key=value" strings. Unknown keys, malformed or
 * out-of-bounds values give MSC_ERR_USAGE naming the key, the value and what is accepted. */
msc_status msc_params_parse(const msc_kernel *k, const char *const *kv, int n, msc_params *out,
                            char *err, size_t len);

/* Value of parameter `name` of kernel k in p; NAN if k has no such parameter. */
double msc_params_get(const msc_kernel *k, const msc_params *p, const char *name);

/* Formats k's params as "key=value,key=value" (empty string for none) into buf. */
void msc_params_format(const msc_kernel *k, const msc_params *p, char *buf, size_t len);

/* The serial share F in [0, 1) of p for kernel k (0 when k has none). */
double msc_kernel_serial_share(const msc_kernel *k, const msc_params *p);

/* How a job of kernel k over range r is cut: the serial share first (rank 0 alone), then *par,
 * the parallel part, in *n_seg segments (segments_requested clipped to its element count). The
 * driver and the checkpoint journal both use it, so they agree on the segments. */
void msc_job_split(const msc_kernel *k, const msc_params *p, msc_range r, int64_t segments_requested,
                   msc_range *par, int64_t *n_seg);

/* Adds b into acc: exact parts as 128-bit integers, real parts as doubles, counts. Combining in a
 * fixed (segment) order keeps real results independent of how segments were distributed. */
void msc_partial_add(msc_partial *acc, const msc_partial *b);

/* Combines parts[0..n) in index order into *total (real parts with compensated summation) and
 * returns a 64-bit digest (FNV-1a) of the sequence of partials: equal inputs give equal digests
 * on any number of ranks. */
uint64_t msc_partials_combine(const msc_partial *parts, int64_t n, msc_partial *total);

/* Spot check: recomputes with k->reference_run up to `budget` elements' worth of the n_seg
 * segments of `par` (segments spread evenly, the first and last always among them) and compares
 * each with parts[s] exactly. Returns the number of segments checked (0 when k has no
 * reference_run) and sets *bad to the first segment that differs, or -1. */
int64_t msc_spot_check(const msc_kernel *k, msc_range whole, msc_range par, int64_t n_seg,
                       const msc_partial *parts, const msc_params *p, int64_t budget,
                       int64_t *bad);

/* Formats the result held in `total` for kernel k: exact results as unsigned decimal, real ones
 * with 17 significant digits. */
void msc_result_format(const msc_kernel *k, const msc_partial *total, char *buf, size_t len);

/* Formats the unsigned 128-bit value (hi, lo) in decimal into buf (at least 40 bytes). */
void msc_u128_format(uint64_t hi, uint64_t lo, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_KERNEL_H */
