/* status.c — messages and exit codes for msc_status, and the error-buffer helper every module
 * uses. */
#include "mpiscale/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *msc_strerror(msc_status st)
{
    switch (st) {
    case MSC_OK: return "ok";
    case MSC_INTERRUPTED: return "interrupted";
    case MSC_ERR_USAGE: return "invalid input";
    case MSC_ERR_RANGE: return "range out of bounds";
    case MSC_ERR_IO: return "output I/O error";
    case MSC_ERR_VERIFY: return "verification failed";
    case MSC_ERR_NOMEM: return "out of memory";
    case MSC_ERR_MPI: return "MPI error";
    case MSC_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

int msc_exit_code(msc_status st)
{
    switch (st) {
    case MSC_OK: return MSC_EXIT_OK;
    case MSC_INTERRUPTED: return MSC_EXIT_RESUMABLE;
    case MSC_ERR_USAGE:
    case MSC_ERR_RANGE: return MSC_EXIT_USAGE;
    case MSC_ERR_IO: return MSC_EXIT_IO;
    case MSC_ERR_VERIFY: return MSC_EXIT_VERIFY;
    case MSC_ERR_NOMEM:
    case MSC_ERR_MPI:
    case MSC_ERR_INTERNAL: break;
    }
    return MSC_EXIT_INTERNAL;
}

msc_status msc_fail(msc_status st, char *err, size_t len, const char *fmt, ...)
{
    if (err != NULL && len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return st;
}
