/* driver.h — the only module that calls MPI. One run: plan on rank 0, scatter the segment
 * assignments, compute on every rank, gather partials and timings, combine in segment order and
 * verify on rank 0. Every rank returns the same status. */
#ifndef MSC_DRIVER_H
#define MSC_DRIVER_H

#include <stddef.h>

#include <mpi.h>

#include "mpiscale/cli.h"
#include "mpiscale/report.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runs the job described by opt (already validated) on every rank of comm; collective.
 * t_init_s is this rank's measured MPI_Init time (seconds; 0 if unknown). On rank 0, *rec is
 * filled (owned data: free with msc_record_free), including when verification failed. Returns
 * the same status on every rank: MSC_OK, MSC_ERR_VERIFY, MSC_ERR_NOMEM, MSC_ERR_MPI or
 * MSC_ERR_INTERNAL, with detail in err on rank 0. */
msc_status msc_driver_run(const msc_options *opt, MPI_Comm comm, double t_init_s,
                          msc_run_record *rec, char *err, size_t len);

/* Called on rank 0 after each run of a sweep: the run's record, its point (rank count p), its
 * index among the point's measured runs (negative for warm-up runs) and the caller's ctx. */
typedef void (*msc_sweep_fn)(const msc_run_record *rec, int p, int run, void *ctx);

/* Runs the job on the first points[i] ranks of world, for each i, warmup + repeat times each
 * (opt->warmup, opt->repeat), the repeats interleaved across the points; ranks outside the
 * point's communicator sleep until it is done.
 * With opt->weak the range and the segment count are multiplied by p (callers check the scaled
 * range first). Collective over world; every rank returns the same status and the sweep stops at
 * the first run that does not complete (a failed verification included). */
msc_status msc_driver_sweep(const msc_options *opt, MPI_Comm world, double t_init_s,
                            const int *points, int n_points, msc_sweep_fn fn, void *ctx,
                            char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_DRIVER_H */
