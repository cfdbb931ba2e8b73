/* isa.h — the vector instruction set the kernels use, chosen at run time on each rank, so that one
 * binary built on a login node for plain x86-64 runs at the widest vector unit every compute node
 * has (the way zlib-ng picks its functions once at start-up). Also the node's throughput limit
 * for the instruction a kernel is made of (sqrt for do_math, division for pi), measured, so a
 * report can say how close a kernel ran to it. Paths give identical results: do_math sums exact
 * integers, pi does the same IEEE operations lane by lane on every path. */
#ifndef MSC_ISA_H
#define MSC_ISA_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum msc_isa {
    MSC_ISA_SCALAR = 0, /* one double per instruction (SSE2 sqrtsd on x86-64) */
    MSC_ISA_AVX2 = 1,   /* four doubles (vsqrtpd ymm) */
    MSC_ISA_AVX512 = 2, /* eight doubles (vsqrtpd zmm), with AVX-512F and DQ */
    MSC_ISA_AUTO = -1   /* a request only: the best this CPU has */
} msc_isa;

#define MSC_ISA_COUNT 3

/* The instruction a kernel's per-element cost is bound by, on whichever path runs. */
typedef enum msc_op {
    MSC_OP_NONE = 0, /* no one instruction: no limit to compare with, no vector path */
    MSC_OP_SQRT = 1, /* a double-precision square root (do_math, amdahl) */
    MSC_OP_DIV = 2   /* a double-precision division (pi) */
} msc_op;

/* "scalar", "avx2", "avx512" ("auto" for MSC_ISA_AUTO). */
const char *msc_isa_name(msc_isa isa);

/* The instruction for op on the path, e.g. "vsqrtpd zmm" or "divsd". */
const char *msc_isa_instruction(msc_isa isa, msc_op op);

/* Parses "auto", "scalar", "avx2" or "avx512"; 0 on success, -1 otherwise. */
int msc_isa_parse(const char *text, msc_isa *out);

/* The widest path this build and this CPU both support. */
msc_isa msc_isa_best(void);

/* Makes `want` the path the kernels use from now on (MSC_ISA_AUTO: msc_isa_best()). Returns 0, or
 * -1 leaving the path unchanged when this CPU or build lacks `want`. */
int msc_isa_select(msc_isa want);

/* The path in use: msc_isa_best() until msc_isa_select() says otherwise. */
msc_isa msc_isa_active(void);

/* Measures, for about `seconds`, the node's throughput limit of the path's instruction for op
 * (MSC_OP_SQRT or MSC_OP_DIV) on independent operands: nanoseconds per double. Returns a negative
 * value when the path is not supported or op is MSC_OP_NONE. */
double msc_isa_limit_ns(msc_isa isa, msc_op op, double seconds);

/* Measures, for about `seconds`, the latency of one dependent double-precision add, in
 * nanoseconds: the bound of any sum that adds in a fixed order, one term after another. */
double msc_isa_add_latency_ns(double seconds);

#ifdef __cplusplus
}
#endif
#endif /* MSC_ISA_H */
