/* fuzz_common.h — what the libFuzzer targets and the journal seed generator share: the invariant
 * check that aborts (so libFuzzer records the input as a finding), and the one set of journal
 * inputs the journal target loads against (the seed corpus is written for exactly these). */
#ifndef MSC_FUZZ_COMMON_H
#define MSC_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpiscale/journal.h"
#include "mpiscale/kernel.h"
#include "mpiscale/range.h"

/* Segments of the journal the journal target loads: small, so a load costs microseconds. */
#define MSC_FUZZ_SEGMENTS 16

/* A broken invariant is a finding: say which, then abort() so that libFuzzer saves the input. */
#define MSC_FUZZ_CHECK(cond)                                                                       \
    do {                                                                                           \
        if (!(cond)) msc_fuzz_violation(__FILE__, __LINE__, #cond);                                \
    } while (0)

static inline void msc_fuzz_violation(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

/* 1 when buf[0..len) holds a NUL: an error message that was filled in is a C string. */
static inline int msc_fuzz_terminated(const char *buf, size_t len)
{
    return memchr(buf, '\0', len) != NULL;
}

/* The normalised inputs of the journals the target loads: kernel amdahl (serial=0.3, its
 * default), range 0:2000, MSC_FUZZ_SEGMENTS segments. Returns 0 if the kernel is gone. */
static inline int msc_fuzz_journal_inputs(char *buf, size_t len, msc_range *range)
{
    const msc_kernel *k = msc_kernel_find("amdahl");
    msc_params p;
    const msc_range r = {0, 2000};
    if (k == NULL) return 0;
    memset(&p, 0, sizeof p);
    p.count = k->n_params;
    for (int i = 0; i < k->n_params; i++) p.value[i] = k->params[i].def;
    msc_journal_inputs(k, &p, r, MSC_FUZZ_SEGMENTS, buf, len);
    if (range != NULL) *range = r;
    return 1;
}

#endif /* MSC_FUZZ_COMMON_H */
