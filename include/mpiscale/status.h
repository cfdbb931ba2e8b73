/* status.h — the one set of result codes every mpiscale function returns, their messages, and the
 * process exit code each maps to. Library code returns these; only main() turns them into exits. */
#ifndef MSC_STATUS_H
#define MSC_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum msc_status {
    MSC_OK = 0,
    MSC_INTERRUPTED,  /* stopped early on request (a signal, --deadline, --time-limit): the finished
                         segments are kept, a rerun with --checkpoint resumes (exit 75). Below
                         every error, so that agreeing on the worst status keeps a failure. */
    MSC_ERR_USAGE,    /* invalid input: bad option, value, range or kernel parameter (exit 2) */
    MSC_ERR_RANGE,    /* a range or count that would overflow or that a kernel cannot take (exit 2) */
    MSC_ERR_IO,       /* an output file could not be opened or written (exit 3) */
    MSC_ERR_VERIFY,   /* the computed result disagrees with the kernel's reference (exit 4) */
    MSC_ERR_NOMEM,    /* an allocation failed (exit 70) */
    MSC_ERR_MPI,      /* an MPI call returned an error (exit 70) */
    MSC_ERR_INTERNAL  /* a broken invariant: a bug in mpiscale (exit 70) */
} msc_status;

/* Process exit codes, documented in --help and the README. */
enum {
    MSC_EXIT_OK = 0,
    MSC_EXIT_USAGE = 2,
    MSC_EXIT_IO = 3,
    MSC_EXIT_VERIFY = 4,
    MSC_EXIT_RESUMABLE = 75, /* EX_TEMPFAIL: interrupted, run again to resume */
    MSC_EXIT_INTERNAL = 70
};

/* Returns a short static description of st ("invalid input", ...); never NULL. */
const char *msc_strerror(msc_status st);

/* Returns the process exit code for st (one of MSC_EXIT_*). */
int msc_exit_code(msc_status st);

/* Writes "prefix: message" style detail into err (if err != NULL and len > 0) with printf
 * formatting, always NUL-terminated, and returns st so callers can `return msc_fail(...)`. */
msc_status msc_fail(msc_status st, char *err, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif /* MSC_STATUS_H */
